import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { RequestContext } from '../request-path/context.js';
import type { PublicOrigins } from '../net/public-origin.js';
import { SESSION_COOKIE } from '../sessions/cookies.js';

/**
 * Headers a client must never choose: forwarding information (the gateway sets its own), the credentials
 * (`Authorization` would be taken by the workspace as its token: only the gateway presents that), `Host` and
 * `Origin` (the workspace sees the gateway's public origin, set below).
 */
const DROPPED = new Set([
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'authorization',
  'proxy-authorization',
  'host',
  'origin',
]);

/**
 * True for the gateway's identity headers under any spelling a server might fold into them: `x-hic-user`,
 * `x_hic_user`, `x-hic_user` (servers behind CGI-style gateways turn `_` into `-`).
 */
function isIdentityHeader(name: string): boolean {
  if (name.charCodeAt(0) !== 0x78 /* x */ || name.length < 6) return false;
  const head = name.slice(0, 6);
  return head === 'x-hic-' || head.replace(/_/g, '-') === 'x-hic-';
}

/**
 * The headers sent to the workspace: client identity and credential headers stripped, the gateway's own set from
 * the session, the project's credential added, the gateway's session cookie removed (the workspace never sees it),
 * Host and Origin set to the gateway's public origin on HTTP and upgrades alike (Jupyter compares them).
 */
export function upstreamHeaders(
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  ctx: RequestContext,
  origins: PublicOrigins,
): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = { host: origins.host };
  const cookie = headers.cookie;
  for (const name in headers) {
    // The cookie is added after the loop, only if something is left: no `delete` (it turns the object into a slow
    // dictionary that undici then iterates).
    if (DROPPED.has(name) || isIdentityHeader(name) || (name === 'cookie' && typeof cookie === 'string')) continue;
    out[name] = headers[name];
  }
  if (typeof cookie === 'string') {
    const kept = stripCookie(cookie, SESSION_COOKIE);
    if (kept) out.cookie = kept;
  }
  // Only an Origin the origin stage accepted reaches here on a state-changing request; what the workspace sees is
  // the canonical one, whichever loopback alias the browser used.
  if (headers.origin !== undefined) out.origin = origins.allowed.has(String(headers.origin)) ? origins.canonical : headers.origin;
  const session = ctx.session!;
  const credential = ctx.project!.upstreamAuthorization;
  if (credential !== null) out.authorization = credential;
  out['x-hic-user'] = session.user;
  out['x-hic-project'] = session.project;
  out['x-forwarded-for'] = ctx.address;
  out['x-forwarded-proto'] = 'https';
  return out;
}

/**
 * Drops the gateway's cookies (`name` and every other `__Host-hic-*`). Runs on every proxied request, so it walks
 * the header once instead of split/map/filter/join (four arrays per request in the CPU profile).
 */
function stripCookie(header: string, name: string): string {
  if (!header.includes(name) && !header.includes(GATEWAY_COOKIE_PREFIX)) return header;
  let out = '';
  let from = 0;
  while (from <= header.length) {
    let end = header.indexOf(';', from);
    if (end === -1) end = header.length;
    const c = header.slice(from, end).trim();
    if (c !== '' && !c.startsWith(`${name}=`) && !c.startsWith(GATEWAY_COOKIE_PREFIX)) out = out === '' ? c : `${out}; ${c}`;
    from = end + 1;
  }
  return out;
}

const GATEWAY_COOKIE_PREFIX = '__Host-hic-';

const NO_NAMES: readonly string[] = [];

/** The header names a `Connection` value lists; nothing for the common single options (no arrays per answer). */
function connectionNames(value: string): readonly string[] {
  if (value === 'keep-alive' || value === 'close') return NO_NAMES;
  return value
    .toLowerCase()
    .split(',')
    .map((s) => s.trim());
}

/** Hop-by-hop response headers (RFC 9110 7.6.1): they describe the workspace's connection to us, not ours to the client. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

/**
 * The workspace's answer headers as the client gets them, without the hop-by-hop ones: relayed, the workspace's
 * `Connection: keep-alive` overrode the client's `Connection: close` and held its socket open for a minute.
 * Node frames the body itself. Headers that `Connection` names are hop-by-hop too.
 */
export function downstreamHeaders<H extends Record<string, unknown>>(headers: H): H {
  const connection = headers.connection;
  if (connection === undefined && headers['keep-alive'] === undefined && headers['transfer-encoding'] === undefined) return headers;
  const named = typeof connection === 'string' ? connectionNames(connection) : NO_NAMES;
  const out: Record<string, unknown> = {};
  for (const name in headers) {
    if (!HOP_BY_HOP.has(name) && !named.includes(name)) out[name] = headers[name];
  }
  return out as H;
}
