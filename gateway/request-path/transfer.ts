import type { BodyCondition, ProfileRule, TransferClass, WorkspaceProfile } from '../../policies/workspace-profile.js';
import { normalisePath } from '../net/normalise-path.js';

/** A rule of the project's workspace profile that applies to a request. */
export interface TransferMatch {
  class: TransferClass;
  /** Present when only the JSON body can tell (the proxy inspects it before forwarding). */
  body?: { anyOf: BodyCondition[] };
  why: string;
}

export interface TransferRules {
  /** The matching rule for a request, or null (most requests: nothing to refuse). */
  classify(method: string, rawPath: string): TransferMatch | 'undecodable' | null;
}

const NOTHING: TransferRules = { classify: () => null };

/** Paths that need no normalising (no escapes, dot segments, doubled or back slashes): the common case, no work. */
const PLAIN = /^(?:\/[A-Za-z0-9_~+=,;:@!$'()*-]+(?:\.[A-Za-z0-9_~+=,;:@!$'()*-]+)*)*\/?$/;

/** Compiles a profile's rules once per project; the hot path only tests a method set and a few regexps. */
export function compileTransferRules(profile: WorkspaceProfile | undefined): TransferRules {
  if (!profile || profile.rules.length === 0) return NOTHING;
  const compiled = profile.rules.map((r: ProfileRule) => ({ ...r, methods: new Set(r.methods), re: new RegExp(r.path) }));
  const methods = new Set(profile.rules.flatMap((r) => r.methods));
  return {
    classify(method, rawPath) {
      if (!methods.has(method)) return null;
      const path = PLAIN.test(rawPath) ? rawPath : normalisePath(rawPath);
      if (path === null) return 'undecodable';
      for (const rule of compiled) {
        if (rule.methods.has(method) && rule.re.test(path)) return { class: rule.class, why: rule.why, ...(rule.body ? { body: rule.body } : {}) };
      }
      return null;
    },
  };
}

/** True when a JSON body meets any of the rule's conditions (e.g. Jupyter's upload: `format: "base64"`). */
export function bodyMatches(body: unknown, conditions: { anyOf: BodyCondition[] }): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const fields = body as Record<string, unknown>;
  return conditions.anyOf.some((c) => {
    if (c.present !== undefined) return (c.field in fields && fields[c.field] !== null) === c.present;
    return fields[c.field] === c.equals;
  });
}
