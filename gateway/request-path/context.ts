import type { IncomingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { SessionRecord, Terminal } from '../stores/types.js';
import type { CompiledProject } from '../runtime.js';
import type { TransferMatch } from './transfer.js';

/**
 * What the stages learn about one request (HTTP or WebSocket upgrade). Each stage fills in its part; later
 * stages and the audit record read it.
 */
export interface RequestContext {
  socket: TLSSocket;
  method: string;
  /** Path without the query string. */
  path: string;
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
  /** Set by the policy stage when only the JSON body can tell an upload from a save (the proxy inspects it). */
  transfer: TransferMatch | null;
}

export function newContext(socket: TLSSocket, method: string, url: string, headers: IncomingHttpHeaders): RequestContext {
  const q = url.indexOf('?');
  return {
    socket,
    method,
    path: q === -1 ? url : url.slice(0, q),
    headers,
    address: '',
    terminal: null,
    fingerprint: null,
    session: null,
    project: null,
    transfer: null,
  };
}
