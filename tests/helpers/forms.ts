import type { Reply, TerminalClient } from './client.js';

/** The CSRF token of a page's form (the hidden `_csrf` field). */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF field in the page');
  return m[1]!;
}

/** Loads a page and submits its form like a browser: same cookies, the page's CSRF token, urlencoded fields. */
export async function submitForm(c: TerminalClient, pagePath: string, action: string, fields: Record<string, string>): Promise<Reply> {
  const page = await c.fetch(pagePath, { headers: { accept: 'text/html' } });
  const body = new URLSearchParams({ _csrf: csrfOf(page.body), ...fields }).toString();
  return c.fetch(action, { method: 'POST', body, headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' } });
}

/** The text inside `<code id="totp-secret">` of the enrolment page. */
export function enrolSecretOf(html: string): string {
  const m = /<code id="totp-secret">([A-Z2-7]+)<\/code>/.exec(html);
  if (!m) throw new Error('no TOTP secret on the page');
  return m[1]!;
}
