import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { splitTarget } from '../net/normalise-path.js';
import type { SessionRecord, Terminal } from '../stores/types.js';
import type { CompiledProject } from '../runtime.js';
import type { RouteJudgement } from './workspace-routes.js';

/**
 * What a request is, decided from its target before any stage runs (every class has its own answer):
 * - `invalid`: a target the gateway will not guess at (absolute-form, `//…`, encoded slashes, bad escapes) → 400;
 * - `gateway`: the gateway's own pages and API under `/_hic` → terminal and network stages, then a handler or 404;
 * - `workspace`: everything else → the whole path, then the project's workspace.
 */
export type TargetClass = 'invalid' | 'gateway' | 'workspace';

/**
 * What the stages learn about one request (HTTP or WebSocket upgrade). Each stage fills in its part; later
 * stages, the proxy and the audit record read it.
 */
export interface RequestContext {
  socket: TLSSocket;
  method: string;
  /** The canonical path (gateway/net/normalise-path.ts): the path judged, forwarded and recorded. */
  path: string;
  /** The raw query string, without the `?`. */
  query: string;
  target: TargetClass;
  /** A WebSocket upgrade (judged as the GET it becomes). */
  upgrade: boolean;
  headers: IncomingHttpHeaders;
  /** Set by the network stage: the client address (X-Forwarded-For only from trusted proxies). */
  address: string;
  /** Set by the terminal stage. */
  terminal: Terminal | null;
  fingerprint: string | null;
  /** Set by the session stage. */
  session: SessionRecord | null;
  /** Set by the policy stage. */
  project: CompiledProject | null;
  /** Set by the policy stage: what the workspace profile says of the request beyond "forward it". */
  route: RouteJudgement;
}

export function newContext(socket: TLSSocket, method: string, url: string, headers: IncomingHttpHeaders, upgrade = false): RequestContext {
  const target = splitTarget(url);
  const path = target?.path ?? '';
  return {
    socket,
    method,
    path,
    query: target?.query ?? '',
    target: target === null ? 'invalid' : path === '/_hic' || path.startsWith('/_hic/') ? 'gateway' : 'workspace',
    upgrade,
    headers,
    address: '',
    terminal: null,
    fingerprint: null,
    session: null,
    project: null,
    route: null,
  };
}
