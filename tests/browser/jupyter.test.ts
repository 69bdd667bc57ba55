import { existsSync } from 'node:fs';
import { type Browser } from 'playwright-core';
import t from 'tap';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { JUPYTER_BIN } from '../../gateway/workspace/jupyter.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { startTestJupyter } from '../helpers/jupyter.js';

/**
 * An analyst in Debian's Chromium in front of a stock Jupyter Notebook: login → tree → open a notebook → run a cell
 * → save, with no CORS, XSRF or origin errors on the console.
 */
if (!existsSync(CHROMIUM) || !existsSync(JUPYTER_BIN)) {
  t.skip(`${CHROMIUM} or ${JUPYTER_BIN} is not installed (bash .ci/run installs both)`, () => {});
} else {
  const { jupyter, credentialFile } = await startTestJupyter();
  const pki = await makePki();
  const gw = await startTestGateway({ pki, upstream: { url: jupyter.url, profile: 'jupyter-notebook-6.4', credentialFile } });
  const cert = await pki.terminal('bj-1');
  await gw.addTerminal('bj-1', cert);
  const creds = await gw.addUser('kana');
  const browser: Browser = await launchChromium();
  t.teardown(async () => {
    await browser.close();
    await gw.close();
    await jupyter.close();
  });

  t.test('login, tree, open a notebook, run a cell, save', async (t) => {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      clientCertificates: [{ origin: gw.url, cert: Buffer.from(cert.cert), key: Buffer.from(cert.key) }],
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
    });
    await page.goto(`${gw.url}/tree`);
    await page.fill('#username', 'kana');
    await page.fill('#password', creds.password);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/_hic\/login\/totp$/);
    await page.fill('#code', currentTotp(creds.totpSecret, gw.clock.now()));
    await page.click('button[type=submit]');
    await page.waitForURL(/\/tree/);
    await page.locator('#notebook_list a[href$="sample.ipynb"]').waitFor({ timeout: 30_000 });
    t.pass('the tree lists the notebook');
    await page.goto(`${gw.url}/notebooks/sample.ipynb`);
    await page.locator('#kernel_indicator_icon.kernel_idle_icon').waitFor({ timeout: 60_000 });
    t.pass('the kernel started and is idle (kernel WebSocket through the gateway)');
    await page.locator('.code_cell').first().click();
    await page.keyboard.press('Shift+Enter');
    const output = page.locator('.code_cell').first().locator('.output_subarea');
    await output.waitFor({ timeout: 60_000 });
    t.equal((await output.textContent())?.trim(), '2', 'the cell ran: 1 + 1 → 2');
    const saved = page.waitForResponse(
      (r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === '/api/contents/sample.ipynb',
      { timeout: 30_000 },
    );
    await page.keyboard.press('Control+S');
    t.equal((await saved).status(), 200, 'saved');
    const origin = errors.filter((e) => /cors|xsrf|cross.origin|origin|csp|content security|blocked|403|401/i.test(e));
    t.same(origin, [], 'no CORS, XSRF, origin or CSP errors on the console');
    t.same(
      failed.filter((f) => !/custom\.(css|js)|favicon/.test(f)),
      [],
      'no failed requests (custom.css/js aside)',
    );
    await context.close();
  });
}
