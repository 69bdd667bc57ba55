/**
 * The query string as the workspace reads it. Tornado (Jupyter) splits on `&`, decodes `+` as a space and
 * percent-escapes, keeps blank values, takes the **last** value of a repeated name and strips surrounding
 * whitespace; the gateway reads it the same way, or `?content=0&content=1` could be judged as one thing and
 * served as another.
 */

function decode(part: string): string {
  const spaced = part.includes('+') ? part.replace(/\+/g, ' ') : part;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

interface Pair {
  raw: string;
  name: string;
  value: string;
}

function pairs(query: string): Pair[] {
  const out: Pair[] = [];
  for (const raw of query.split('&')) {
    if (raw === '') continue;
    const eq = raw.indexOf('=');
    out.push({ raw, name: decode(eq === -1 ? raw : raw.slice(0, eq)), value: decode(eq === -1 ? '' : raw.slice(eq + 1)) });
  }
  return out;
}

/** The value Tornado's `get_query_argument(name)` would see, or undefined when the name is absent. */
export function lastQueryValue(query: string, name: string): string | undefined {
  if (query === '') return undefined;
  let found: string | undefined;
  for (const p of pairs(query)) if (p.name === name) found = p.value.trim();
  return found;
}

/**
 * The query without the parameters of these (decoded) names, other parameters byte for byte as sent. Used to
 * drop a client's `token=`: Jupyter would take it as the workspace credential, which only the gateway may present.
 */
export function withoutParams(query: string, names: ReadonlySet<string>): string {
  if (query === '') return query;
  let out = '';
  for (const p of pairs(query)) {
    if (names.has(p.name)) continue;
    out = out === '' ? p.raw : `${out}&${p.raw}`;
  }
  return out;
}

/** Names whose values must never reach the audit log (credentials, CSRF tokens, one-time codes). */
const SECRET_NAME = /token|xsrf|csrf|pass|secret|key|auth|code|session|sig/i;

/**
 * The query for the access record: each value of a secret-looking name replaced by `[redacted]`. The common
 * query (no such name) is returned as it is, without parsing.
 */
export function redactQuery(query: string): string {
  if (query === '' || !SECRET_NAME.test(query)) return query;
  let out = '';
  for (const p of pairs(query)) {
    const eq = p.raw.indexOf('=');
    const part = SECRET_NAME.test(p.name) ? `${eq === -1 ? p.raw : p.raw.slice(0, eq)}=[redacted]` : p.raw;
    out = out === '' ? part : `${out}&${part}`;
  }
  return out;
}
