/**
 * Workspace profiles (DESIGN: per kind of workspace, which routes download, upload, administer, execute or merely
 * poll). DATA-1: no direct download out of or upload into the workspace through the gateway; data moves only through
 * a reviewed request. A profile is a table of routes read top to bottom (first match decides), each with a verdict
 * and the reason for it, plus the routes that may become WebSockets and the routes that are background polling
 * (SES-1). Paths are matched on the canonical path (gateway/net/normalise-path.ts), which is also the path forwarded.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { HicError } from '../gateway/core/errors.js';

/**
 * What a route means for the data boundary:
 * - `allow`: named so that a later, broader route does not catch it (e.g. checkpoints under the contents API);
 * - `download` / `upload`: refused (DATA-1), audited and alerted;
 * - `admin`: refused (server administration, e.g. shutting the workspace down for the whole project);
 * - `terminal`: a shell in the workspace, refused unless the project enables workspace terminals;
 * - `content-read`: the contents API returning a file's bytes, judged on the query and the file kind;
 * - `content-write` / `rename`: judged on the JSON body before it is forwarded.
 */
export type RouteVerdict = 'allow' | 'download' | 'upload' | 'admin' | 'terminal' | 'content-read' | 'content-write' | 'rename';

const VERDICTS = new Set<RouteVerdict>(['allow', 'download', 'upload', 'admin', 'terminal', 'content-read', 'content-write', 'rename']);

export interface ProfileRoute {
  verdict: RouteVerdict;
  methods: string[];
  /** A regular expression on the canonical path. */
  path: string;
  why: string;
}

/** Background polling (SES-1: not operation). Methods default to GET only. */
export interface PollingRule {
  methods?: string[];
  path: string;
  /** Query parameters that must have these values (the last value of a repeated name counts, as in Tornado). */
  query?: Record<string, string>;
}

export interface WorkspaceProfile {
  id: string;
  description: string;
  /** How the gateway presents the project's credential: `Authorization: <scheme> <secret>`. */
  credential?: { scheme: string };
  /** Paths (regular expressions) that may be upgraded to a WebSocket; every other upgrade is refused. */
  websocket: string[];
  /** Upgrade paths of workspace terminals, allowed only when the project enables them. */
  terminalWebsocket: string[];
  polling: PollingRule[];
  /** What the contents API may carry for files that are not notebooks: which kinds, how large. */
  contents: { textExtensions: string[]; maxTextBytes: number };
  routes: ProfileRoute[];
}

function profileDir(): URL {
  for (const candidate of [
    new URL('./workspace-profiles/', import.meta.url),
    new URL('../../policies/workspace-profiles/', import.meta.url),
  ]) {
    try {
      readdirSync(candidate);
      return candidate;
    } catch {
      // compiled into dist/: the JSON stays in the source folder
    }
  }
  throw new HicError('CONFIG_INVALID', 'policies/workspace-profiles/ not found');
}

function badRegExp(source: unknown): boolean {
  if (typeof source !== 'string') return true;
  try {
    new RegExp(source);
    return false;
  } catch {
    return true;
  }
}

function badMethods(methods: unknown): boolean {
  return !Array.isArray(methods) || methods.length === 0 || methods.some((m) => typeof m !== 'string' || !/^[A-Z]+$/.test(m));
}

/** Checks one profile; every problem is named. Exported for tests of hand-made profiles. */
export function validateProfile(p: WorkspaceProfile, file: string): WorkspaceProfile {
  const problems: string[] = [];
  if (typeof p.id !== 'string' || !/^[a-z0-9.-]+$/.test(p.id)) problems.push('id');
  if (p.credential !== undefined && (typeof p.credential.scheme !== 'string' || !/^[A-Za-z]+$/.test(p.credential.scheme)))
    problems.push('credential.scheme');
  if (!Array.isArray(p.websocket) || p.websocket.some(badRegExp)) problems.push('websocket');
  if (!Array.isArray(p.terminalWebsocket) || p.terminalWebsocket.some(badRegExp)) problems.push('terminalWebsocket');
  if (!Array.isArray(p.polling)) problems.push('polling');
  else {
    p.polling.forEach((r, i) => {
      if (badRegExp(r.path)) problems.push(`polling.${i}.path`);
      if (r.methods !== undefined && badMethods(r.methods)) problems.push(`polling.${i}.methods`);
      if (r.query !== undefined && (typeof r.query !== 'object' || Object.values(r.query).some((v) => typeof v !== 'string')))
        problems.push(`polling.${i}.query`);
    });
  }
  const c = p.contents;
  if (
    typeof c !== 'object' ||
    c === null ||
    !Array.isArray(c.textExtensions) ||
    c.textExtensions.some((e) => typeof e !== 'string' || !/^\.[a-z0-9]+$/.test(e))
  ) {
    problems.push('contents.textExtensions');
  }
  if (typeof c?.maxTextBytes !== 'number' || !Number.isInteger(c.maxTextBytes) || c.maxTextBytes < 0)
    problems.push('contents.maxTextBytes');
  if (!Array.isArray(p.routes)) problems.push('routes');
  else {
    p.routes.forEach((r, i) => {
      if (!VERDICTS.has(r.verdict)) problems.push(`routes.${i}.verdict`);
      if (badMethods(r.methods)) problems.push(`routes.${i}.methods`);
      if (badRegExp(r.path)) problems.push(`routes.${i}.path`);
      if (typeof r.why !== 'string' || r.why === '') problems.push(`routes.${i}.why`);
    });
  }
  if (problems.length > 0) throw new HicError('CONFIG_INVALID', `${file}: invalid ${problems.join(', ')}`);
  return p;
}

let cache: Map<string, WorkspaceProfile> | null = null;

/** Every shipped profile, by id. */
export function loadWorkspaceProfiles(): Map<string, WorkspaceProfile> {
  if (cache) return cache;
  const dir = profileDir();
  const profiles = new Map<string, WorkspaceProfile>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const profile = validateProfile(JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as WorkspaceProfile, name);
    profiles.set(profile.id, profile);
  }
  cache = profiles;
  return profiles;
}

/** The profile of that id; an unknown id is a configuration error, never "no rules" (fail closed). */
export function requireWorkspaceProfile(id: string): WorkspaceProfile {
  const profiles = loadWorkspaceProfiles();
  const profile = profiles.get(id);
  if (!profile) throw new HicError('CONFIG_INVALID', `unknown workspace profile "${id}" (known: ${[...profiles.keys()].join(', ')})`);
  return profile;
}
