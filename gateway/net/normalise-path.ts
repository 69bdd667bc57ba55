/**
 * The one path the gateway both judges and forwards. Jupyter (Tornado) decodes the raw path itself and serves
 * `/files/count%73.csv`, `/files/./x` and `/files/a/../x`, so a rule written for `/files/` must see through
 * escapes and dot segments; and what is judged must be exactly what the workspace receives, or a request judged
 * as `/host/files/a.csv` could be read by the workspace as `//host` + `/files/a.csv`.
 *
 * So the canonical path is percent-decoded, dot segments resolved, inner repeated slashes collapsed, then every
 * segment re-encoded the way Jupyter's own front end encodes it (encodeURIComponent); a trailing slash is kept
 * (Tornado routes some paths by it). What cannot be read one way only is refused instead of guessed at:
 * - a target that is not origin-form (`http://host/x`, `*`, ``) — RFC 9112 3.2: absolute-form is for proxies;
 * - a leading `//` (an authority to some URL parsers);
 * - backslashes and encoded slashes (`%2F`, `%5C`): separators to some servers, name characters to others;
 * - control characters, NUL, and escapes that do not decode as UTF-8.
 */

/** Paths that need no work: no escapes, no dot segments, no doubled or back slashes (the common case). */
const PLAIN = /^(?:\/[A-Za-z0-9_~+=,;:@!$'()*-]+(?:\.[A-Za-z0-9_~+=,;:@!$'()*-]+)*)*\/?$/;
/** Control characters (C0, DEL, C1) after decoding. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The canonical form of an origin-form path (no query), or null when it must be refused (400). */
export function canonicalPath(rawPath: string): string | null {
  if (rawPath.charCodeAt(0) === 0x2f && PLAIN.test(rawPath)) return rawPath;
  if (rawPath.charCodeAt(0) !== 0x2f || rawPath.startsWith('//') || rawPath.includes('\\')) return null;
  if (/%(?:2f|5c)/i.test(rawPath)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (CONTROL.test(decoded) || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  const trailing = segments.length > 2 && segments[segments.length - 1] === '';
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(encodeURIComponent(segment));
  }
  if (out.length === 0) return '/';
  return '/' + out.join('/') + (trailing ? '/' : '');
}

/**
 * The request target split into canonical path and raw query; null for a target that must be refused.
 * Only origin-form targets (`/path?query`) are accepted.
 */
export function splitTarget(url: string): { path: string; query: string } | null {
  const q = url.indexOf('?');
  const raw = q === -1 ? url : url.slice(0, q);
  const path = canonicalPath(raw);
  if (path === null) return null;
  return { path, query: q === -1 ? '' : url.slice(q + 1) };
}
