import type { Browser, BrowserContext, Page } from 'playwright-core';
import { currentTotp } from '../../gateway/accounts/totp.js';
import type { TestCert } from './pki.js';

export { CHROMIUM, hasChromium, launchChromium } from '../../tools/chromium.js';

/**
 * A context presenting a terminal certificate (PEM, or a PKCS#12 with its password) over real TLS, collecting
 * console errors and page errors into `problems` — a CSP violation or a script error is one. Refusals the test
 * asks for on purpose are listed in `expected` (matched against the console text).
 */
export async function terminalContext(
  browser: Browser,
  origin: string,
  identity: TestCert | { pfx: Buffer; passphrase: string } | null,
  problems: string[],
  expected: RegExp = /^$/,
): Promise<BrowserContext> {
  const cert =
    identity === null
      ? []
      : 'pfx' in identity
        ? [{ origin, pfx: identity.pfx, passphrase: identity.passphrase }]
        : [{ origin, cert: Buffer.from(identity.cert), key: Buffer.from(identity.key) }];
  const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, clientCertificates: cert });
  context.on('console', (m) => {
    if (m.type() === 'error' && !expected.test(m.text())) problems.push(m.text());
  });
  context.on('weberror', (e) => problems.push(String(e.error())));
  return context;
}

/** Logs in through the login pages (password, then the TOTP code at the gateway's clock) from `start`. */
export async function browserLogin(
  page: Page,
  start: string,
  username: string,
  creds: { password: string; totpSecret: string },
  clock: { now(): number; advance(ms: number): void },
): Promise<void> {
  await page.goto(start);
  await page.fill('#username', username);
  await page.fill('#password', creds.password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/_hic\/login\/totp$/);
  clock.advance(30_000);
  await page.fill('#code', currentTotp(creds.totpSecret, clock.now()));
  await page.click('button[type=submit]');
  await page.waitForURL((u) => !u.pathname.startsWith('/_hic/login'));
}
