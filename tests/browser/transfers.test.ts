import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext } from 'playwright-core';
import t from 'tap';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { makePki, type TestCert } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * Issue 12 in Debian's Chromium: the analyst's export request page (browse the workspace, pick a.csv, column kinds
 * guessed from the Japanese headers, purpose) and the reviewer's page (table preview with the finding highlighted,
 * approve with a comment). Screenshots are kept in docs/screenshots/.
 */
const SHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
if (!existsSync(CHROMIUM)) {
  t.skip(`${CHROMIUM} is not installed (bash .ci/run installs it)`, () => {});
} else {
  const pki = await makePki();
  const gw = await startTestGateway({ pki });
  const analystCert = await pki.terminal('bt-a');
  const staffCert = await pki.terminal('bt-s');
  await gw.addTerminal('bt-a', analystCert);
  await gw.addTerminal('bt-s', staffCert, []);
  const analyst = await gw.addUser('sato', ['analyst'], 'alpha');
  const reviewer = await gw.addUser('suzuki', ['reviewer'], null);
  const browser: Browser = await launchChromium();
  t.teardown(async () => {
    await browser.close();
    await gw.close();
  });

  async function loggedIn(
    cert: TestCert,
    username: string,
    creds: { password: string; totpSecret: string },
  ): Promise<{ context: BrowserContext; problems: string[] }> {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: 1200, height: 900 },
      clientCertificates: [{ origin: gw.url, cert: Buffer.from(cert.cert), key: Buffer.from(cert.key) }],
    });
    const page = await context.newPage();
    await page.goto(`${gw.url}/_hic/login`);
    await page.fill('#username', username);
    await page.fill('#password', creds.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/_hic\/login\/totp$/);
    await page.fill('#code', currentTotp(creds.totpSecret, gw.clock.now()));
    await page.click('button[type=submit]');
    // Analysts land on the workspace, staff on their console: either way, past the login pages.
    await page.waitForURL((u) => !u.pathname.startsWith('/_hic/login'));
    gw.clock.advance(30_000);
    await page.close();
    // Console errors from here on. The browser's own /favicon.ico request is a workspace request, which a staff
    // session (no project) is refused, as it should be: not a problem of these pages.
    const problems: string[] = [];
    context.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`${m.text()} ${m.location().url}`);
    });
    return { context, problems };
  }

  let requestUrl = '';

  t.test('the analyst browses the workspace, picks a.csv, states the purpose; the 3 is found', async (t) => {
    const { context, problems } = await loggedIn(analystCert, 'sato', analyst);
    const page = await context.newPage();
    await page.goto(`${gw.url}/_hic/exports/new`);
    t.equal(await page.locator('h1').textContent(), '集計結果の持ち出し申請', 'Japanese first');
    await page.click('text=results/');
    t.match(await page.locator('h2').textContent(), /\/results$/, 'into a folder of the workspace');
    await page.click('text=上のフォルダへ');
    await page.click('a:text-is("a.csv")');
    t.equal(await page.locator('#picked').textContent(), 'a.csv');
    t.equal(await page.locator('#k2').inputValue(), 'patient-count', '患者数 guessed as a patient count');
    t.equal(await page.locator('#k1').inputValue(), 'age-band', '年齢階級 guessed as an age band');
    await page.fill('#purpose', '学会発表の表1（年齢階級別患者数）');
    await page.screenshot({ path: `${SHOTS}export-request.png`, fullPage: true });
    await page.click('button[type=submit]');
    await page.waitForURL(/\/_hic\/exports\/E[0-9a-f]{24}$/);
    requestUrl = page.url();
    t.match(await page.locator('.status').textContent(), /審査待ち/);
    t.same(await page.locator('table.findings td:nth-child(2)').allTextContents(), ['C3']);
    await page.screenshot({ path: `${SHOTS}export-request-submitted.png`, fullPage: true });
    t.same(problems, [], 'no console errors: the strict CSP blocks nothing these pages need');
    await context.close();
  });

  t.test('the reviewer sees the table with the finding highlighted and approves with a comment', async (t) => {
    const { context, problems } = await loggedIn(staffCert, 'suzuki', reviewer);
    const page = await context.newPage();
    await page.goto(`${gw.url}/_hic/review`);
    t.equal(await page.locator('h1').textContent(), '持ち出し・持ち込みの審査');
    await page.click('a:text-is("a.csv")');
    t.same(await page.locator('td.flagged').allTextContents(), ['3'], 'the one flagged cell is the 3');
    t.match(await page.locator('td.flagged').getAttribute('title'), /患者数が1〜9/);
    await page.fill('#comment', '公表基準を満たすよう修正を依頼します');
    await page.screenshot({ path: `${SHOTS}review.png`, fullPage: true });
    await page.click('button[value=reject]');
    t.match(await page.locator('.notice').first().textContent(), /決定しました/);
    t.match(await page.locator('.status').textContent(), /却下/);
    t.same(problems, []);
    await context.close();
    t.match(requestUrl, /E[0-9a-f]{24}$/);
  });
}
