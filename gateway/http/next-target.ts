/**
 * Where a browser goes after logging in (`next`): never off the gateway (no open redirect, issue 11 item 1).
 *
 * Checking the first characters is not enough: browsers drop tabs and newlines from URLs and read `\` as `/`, so
 * `/\t/evil.example/` or `/\evil.example` lead to another host. The target is therefore resolved as a URL the way a
 * browser would, against the gateway's own origin, and accepted only when it stays on that origin; what is sent back
 * is the resolved path (percent-encoded by the URL parser), never the raw input.
 */

/** Stands for the gateway's own origin when the caller does not know its public one: only origin equality matters. */
const PLACEHOLDER_ORIGIN = 'https://gateway.invalid';
/** No usable wish: the login then goes to the person's start page (the workspace for an analyst, a console for staff). */
const FALLBACK = '';
const MAX_LENGTH = 2048;
/** Control characters and backslashes, raw or percent-encoded (%00–%1f, %7f, %5c), anywhere in the input. */
// eslint-disable-next-line no-control-regex -- refusing control characters in `next` is the point
const FORBIDDEN = /[\x00-\x1f\x7f\\]|%(?:[01][0-9a-f]|7f|5c)/i;

/**
 * Returns a same-origin path (`/…` with query and fragment) for `next`, or '' (no wish: the start page) when `next`
 * is missing, too long, holds a control character or backslash, leaves the origin, or points at the gateway's own
 * sign-in machinery (login, logout, API, static files, enrolment, password, reset). Staff pages under `/_hic/`
 * (the portal, the consoles) may follow a login, so a link to `/_hic/security/` survives it.
 * `ownOrigin` is the gateway's public origin (e.g. `https://gateway.example.jp`); absolute URLs on it are accepted.
 */
export function safeNext(next: unknown, ownOrigin: string = PLACEHOLDER_ORIGIN): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > MAX_LENGTH || FORBIDDEN.test(next)) return FALLBACK;
  let base: URL;
  let target: URL;
  try {
    base = new URL(ownOrigin);
    target = new URL(next, base);
  } catch {
    return FALLBACK;
  }
  if (target.origin !== base.origin || target.username !== '' || target.password !== '') return FALLBACK;
  const path = `${target.pathname}${target.search}${target.hash}`;
  // `/.//evil.example` resolves to the path `//evil.example`, which a browser reads as another host.
  if (!path.startsWith('/') || path.startsWith('//')) return FALLBACK;
  if (new URL(path, base).origin !== base.origin) return FALLBACK;
  if (isSignInPath(target.pathname)) return FALLBACK;
  return path;
}

/**
 * The gateway's sign-in machinery, also when spelled with percent-encoding (`/%5Fhic/`): login pages never chain to
 * themselves or to the API. A gateway path spelled with escapes is refused too (staff pages are linked plainly).
 */
function isSignInPath(pathname: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname).toLowerCase();
  } catch {
    return true;
  }
  if (decoded !== '/_hic' && !decoded.startsWith('/_hic/')) return false;
  if (decoded !== pathname.toLowerCase()) return true;
  return decoded === '/_hic' || /^\/_hic\/(login|logout|api|static|enrol|password|reset)(\/|$)/.test(decoded);
}
