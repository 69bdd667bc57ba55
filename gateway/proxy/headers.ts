import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from '../request-path/context.js';
import { SESSION_COOKIE } from '../sessions/cookies.js';

/** Identity headers only the gateway may set: whatever a client sends under these names is dropped. */
const IDENTITY_PREFIX = 'x-hic-';
const DROPPED = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip'];

/**
 * The headers sent to the workspace: client identity headers stripped, the gateway's own set from the session,
 * the gateway's session cookie removed (the workspace never sees it). The Host header is kept (Jupyter checks it
 * against the WebSocket origin).
 */
export function upstreamHeaders(headers: IncomingHttpHeaders | OutgoingHttpHeaders, ctx: RequestContext): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (name.startsWith(IDENTITY_PREFIX) || DROPPED.includes(name)) continue;
    out[name] = headers[name];
  }
  if (typeof headers.cookie === 'string') {
    const kept = stripCookie(headers.cookie, SESSION_COOKIE);
    if (kept) out.cookie = kept;
    else delete out.cookie;
  }
  const session = ctx.session!;
  out['x-hic-user'] = session.user;
  out['x-hic-project'] = session.project;
  out['x-forwarded-for'] = ctx.address;
  out['x-forwarded-proto'] = 'https';
  return out;
}

function stripCookie(header: string, name: string): string {
  if (!header.includes(name)) return header;
  return header
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c !== '' && !c.startsWith(`${name}=`) && !c.startsWith('__Host-hic-'))
    .join('; ');
}
