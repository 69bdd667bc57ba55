import { redactQuery } from '../net/query.js';
import type { RequestContext } from '../request-path/context.js';

/**
 * The access record (LOG-1): one per HTTP request, one per WebSocket upgrade and one when the socket closes. One
 * builder for every way in, so HTTP and WebSocket records cannot drift apart. `reason` is last: the fast search
 * (audit-review/query.ts) rejects lines by their ending, `"reason":"allowed"}`; tests/audit/access-record.test.ts
 * holds that order.
 */
export type AccessRecord = {
  user: string | null;
  /** SHA-256 of the session cookie, never the cookie. */
  session: string | null;
  project: string | null;
  /** SHA-256 fingerprint of the terminal certificate. */
  terminal: string | null;
  address: string;
  /** HTTP method; `WS` for an upgrade, `WS-CLOSE` for the end of a WebSocket. */
  method: string;
  /** The canonical path (the one judged and forwarded). */
  path: string;
  /** The query, values of secret-looking names redacted; empty when there was none. */
  query: string;
  status: number;
  /** Bytes received from the client (request line, headers and body; a WebSocket's frames). */
  bytesIn: number;
  /** Bytes sent to the client. */
  bytes: number;
  durationMs: number;
  /** The decision (request-path/decision.ts); always last, see above. */
  reason: string;
};

export interface AccessOutcome {
  method: string;
  status: number;
  bytesIn: number;
  bytes: number;
  durationMs: number;
  reason: string;
  /** When the request path never learnt it (refused before the network stage). */
  fallbackAddress?: string | undefined;
}

export function accessRecord(ctx: RequestContext, o: AccessOutcome): AccessRecord {
  return {
    user: ctx.session?.user ?? null,
    session: ctx.session?.id ?? null,
    project: ctx.session?.project ?? null,
    terminal: ctx.fingerprint,
    address: ctx.address || o.fallbackAddress || '',
    method: o.method,
    path: ctx.target === 'invalid' ? '(invalid)' : ctx.path,
    query: redactQuery(ctx.query),
    status: o.status,
    bytesIn: o.bytesIn,
    bytes: o.bytes,
    durationMs: o.durationMs,
    reason: o.reason,
  };
}

/**
 * The size of a request as the client sent it: request line, headers and the declared body (Content-Length).
 * Counted from the parsed request, not the socket: a TLS socket counts its records, and a streamed body can still
 * be on its way when the answer is done. A chunked body without Content-Length counts as its head only.
 */
export function requestBytes(req: {
  method?: string | undefined;
  url?: string | undefined;
  rawHeaders: string[];
  headers: { 'content-length'?: string | undefined };
}): number {
  let n = (req.method?.length ?? 0) + (req.url?.length ?? 0) + 13; // "M U HTTP/1.1\r\n"
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) n += raw[i]!.length + raw[i + 1]!.length + 4; // "name: value\r\n"
  return n + 2 + (Number(req.headers['content-length']) || 0);
}
