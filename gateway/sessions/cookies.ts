/**
 * The gateway's cookies. `__Host-` forces Secure, Path=/ and no Domain, so a sibling host cannot plant or read
 * them; SameSite=Strict keeps them off cross-site requests (CSRF defence in depth).
 */
export const SESSION_COOKIE = '__Host-hic-session';
export const LOGIN_COOKIE = '__Host-hic-login';
export const CSRF_COOKIE = '__Host-hic-csrf';
export const LANG_COOKIE = '__Host-hic-lang';

/** Reads one cookie without parsing the rest of the header (the hot path needs only the session cookie). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  let from = 0;
  for (;;) {
    const at = header.indexOf(name, from);
    if (at === -1) return null;
    const before = at === 0 ? ' ' : header[at - 1];
    if ((before === ' ' || before === ';') && header[at + name.length] === '=') {
      const start = at + name.length + 1;
      const end = header.indexOf(';', start);
      return (end === -1 ? header.slice(start) : header.slice(start, end)).trim();
    }
    from = at + name.length;
  }
}

export interface CookieOptions {
  maxAgeSeconds?: number;
  /** Readable by page scripts? Never for ours; kept explicit for review. */
  httpOnly?: boolean;
}

/** Serialises a `__Host-` cookie with the only attributes such a cookie may have. */
export function hostCookie(name: string, value: string, opts: CookieOptions = {}): string {
  let cookie = `${name}=${value}; Path=/; Secure; SameSite=Strict`;
  if (opts.httpOnly !== false) cookie += '; HttpOnly';
  if (opts.maxAgeSeconds !== undefined) cookie += `; Max-Age=${opts.maxAgeSeconds}`;
  return cookie;
}

export function clearCookie(name: string): string {
  return `${name}=; Path=/; Secure; SameSite=Strict; HttpOnly; Max-Age=0`;
}
