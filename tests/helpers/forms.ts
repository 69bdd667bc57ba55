import { currentTotp } from '../../gateway/accounts/totp.js';
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

/**
 * A browser's login through the two form pages (password, then a TOTP code at the gateway's clock, 30 s later so
 * the code is fresh); returns where the gateway sends the person.
 */
export async function formLogin(
  gw: { clock: { advance(ms: number): void; now(): number } },
  c: TerminalClient,
  username: string,
  creds: { password: string; totpSecret: string },
  next = '',
): Promise<string> {
  const step = await submitForm(c, `/_hic/login${next ? `?next=${encodeURIComponent(next)}` : ''}`, '/_hic/login', {
    username,
    password: creds.password,
    next,
  });
  if (step.status !== 303) throw new Error(`password step ${step.status}`);
  gw.clock.advance(30_000);
  const done = await submitForm(c, '/_hic/login/totp', '/_hic/login/totp', { code: currentTotp(creds.totpSecret, gw.clock.now()) });
  return String(done.headers.location);
}

/** Posts a form with the CSRF token the client already holds as a cookie (as a form rendered earlier would). */
export function postForm(c: TerminalClient, action: string, fields: Record<string, string>): Promise<Reply> {
  const body = new URLSearchParams({ _csrf: c.cookies.get('__Host-hic-csrf') ?? '', ...fields }).toString();
  return c.fetch(action, { method: 'POST', body, headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' } });
}
