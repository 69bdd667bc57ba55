import type { PollingRule, RouteVerdict, WorkspaceProfile } from '../../policies/workspace-profile.js';
import { lastQueryValue } from '../net/query.js';
import { judgeContentRead, type ContentLimits } from './content-judge.js';
import type { DenyReason } from './decision.js';

/**
 * What the project's workspace profile says of one request:
 * - null: nothing to say (most requests), forward;
 * - refuse: a refusal reason (DATA-1 download/upload, administration, terminals);
 * - inspect: only the JSON body can tell (save vs upload, rename), the proxy reads it first;
 * - maxResponseBytes: forward, but refuse an answer larger than this (content reads of small text files).
 */
export type RouteJudgement =
  | null
  | { refuse: DenyReason; why: string }
  | { inspect: 'content-write' | 'rename'; why: string }
  | { maxResponseBytes: number; why: string };

export interface WorkspaceRoutes {
  /** The judgement for a request on its canonical path and raw query. */
  judge(method: string, path: string, query: string): RouteJudgement;
  /** SES-1: background polling that must not count as operation. */
  isPolling(method: string, path: string, query: string): boolean;
  /** Only the routes the profile names as WebSocket endpoints may upgrade. */
  mayUpgrade(path: string): boolean;
  contents: ContentLimits;
}

export interface RouteOptions {
  /** The project enables workspace terminals (a shell in the workspace); off by default. */
  terminals: boolean;
  /** The project's own polling paths (config `pollingPaths`): exact, or a prefix ending in `*`; GET only. */
  pollingPaths: string[];
}

const REFUSAL: Partial<Record<RouteVerdict, DenyReason>> = {
  download: 'download-blocked',
  upload: 'upload-blocked',
  admin: 'admin-blocked',
  terminal: 'terminal-blocked',
};

interface CompiledRoute {
  verdict: RouteVerdict;
  methods: ReadonlySet<string>;
  re: RegExp;
  why: string;
}

interface CompiledPolling {
  methods: ReadonlySet<string>;
  re: RegExp;
  query: Array<[string, string]>;
}

function compilePolling(rule: PollingRule): CompiledPolling {
  return { methods: new Set(rule.methods ?? ['GET']), re: new RegExp(rule.path), query: Object.entries(rule.query ?? {}) };
}

/** Compiles a profile once per project; the hot path tests a method set and, for those methods, a few regexps. */
export function compileWorkspaceRoutes(profile: WorkspaceProfile, opts: RouteOptions): WorkspaceRoutes {
  const routes: CompiledRoute[] = profile.routes
    .filter((r) => !(r.verdict === 'terminal' && opts.terminals))
    .map((r) => ({ verdict: r.verdict, methods: new Set(r.methods), re: new RegExp(r.path), why: r.why }));
  const routeMethods = new Set(routes.flatMap((r) => [...r.methods]));
  const contents: ContentLimits = { textExtensions: new Set(profile.contents.textExtensions), maxTextBytes: profile.contents.maxTextBytes };
  const polling = profile.polling.map(compilePolling);
  const pollingMethods = new Set(polling.flatMap((p) => [...p.methods]).concat('GET'));
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of opts.pollingPaths) {
    if (p.endsWith('*')) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  const upgrades = [...profile.websocket, ...(opts.terminals ? profile.terminalWebsocket : [])].map((s) => new RegExp(s));

  return {
    contents,
    judge(method, path, query) {
      if (!routeMethods.has(method)) return null;
      for (const r of routes) {
        if (!r.methods.has(method) || !r.re.test(path)) continue;
        switch (r.verdict) {
          case 'allow':
            return null;
          case 'content-read':
            return judgeContentRead(path, query, contents, r.why);
          case 'content-write':
          case 'rename':
            return { inspect: r.verdict, why: r.why };
          default:
            return { refuse: REFUSAL[r.verdict]!, why: r.why };
        }
      }
      return null;
    },
    isPolling(method, path, query) {
      if (!pollingMethods.has(method)) return false;
      if (method === 'GET' && (exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix)))) return true;
      for (const p of polling) {
        if (!p.methods.has(method) || !p.re.test(path)) continue;
        if (p.query.every(([name, value]) => lastQueryValue(query, name) === value)) return true;
      }
      return false;
    },
    mayUpgrade(path) {
      return upgrades.some((re) => re.test(path));
    },
  };
}
