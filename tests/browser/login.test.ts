import { existsSync } from 'node:fs';
import { type Browser } from 'playwright-core';
import t from 'tap';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * A person in Debian's Chromium: the login page, the TOTP page, the workspace, logout — with the terminal
 * certificate presented by the browser context (playwright's clientCertificates), Japanese first.
 */
if (!existsSync(CHROMIUM)) {
  t.skip(`${CHROMIUM} is not installed (bash .ci/run installs it)`, () => {});
} else {
  const pki = await makePki();
  const gw = await startTestGateway({ pki });
  const cert = await pki.terminal('br-1');
  await gw.addTerminal('br-1', cert);
  const creds = await gw.addUser('ayumi');
  const browser: Browser = await launchChromium();
  t.teardown(async () => {
    await browser.close();
    await gw.close();
  });

  t.test('log in with password and TOTP, reach the workspace, log out', async (t) => {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      clientCertificates: [{ origin: gw.url, cert: Buffer.from(cert.cert), key: Buffer.from(cert.key) }],
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(`${gw.url}/`);
    t.match(page.url(), /\/_hic\/login\?next=%2F$/, 'redirected to the login page');
    t.equal(await page.locator('h1').textContent(), 'ログイン', 'Japanese first');
    await page.fill('#username', 'ayumi');
    await page.fill('#password', creds.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/_hic\/login\/totp$/);
    await page.fill('#code', currentTotp(creds.totpSecret, gw.clock.now()));
    await page.click('button[type=submit]');
    await page.waitForURL(`${gw.url}/`);
    t.equal(await page.locator('#user').textContent(), 'ayumi', 'the workspace sees the analyst');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === '__Host-hic-session');
    t.ok(session?.httpOnly && session.secure && session.sameSite === 'Strict', 'session cookie flags as the browser stored them');
    await page.goto(`${gw.url}/_hic/logout`);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/_hic\/login\?out=1$/);
    t.match((await page.locator('.notice').textContent()) ?? '', /ログアウトしました/);
    await page.goto(`${gw.url}/`);
    t.match(page.url(), /\/_hic\/login/, 'logged out: back to the login page');
    t.same(problems, [], 'no console errors (the strict CSP blocks nothing the pages need)');
    await context.close();
  });

  t.test('without a terminal certificate the browser gets a readable page, not a TLS error', async (t) => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    const response = await page.goto(`${gw.url}/_hic/login`);
    t.equal(response?.status(), 403);
    t.match((await page.locator('main').textContent()) ?? '', /端末証明書が提示されていません/);
    await page.click('a.lang');
    t.match((await page.locator('main').textContent()) ?? '', /No terminal certificate was presented/, 'English available');
    await context.close();
  });
}
