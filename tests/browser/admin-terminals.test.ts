import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { initAuthority } from '../../ca/index.js';
import { openssl, tempDir } from '../ca/helpers.js';
import { browserLogin, hasChromium, launchChromium, terminalContext } from '../helpers/browser.js';
import { pkiOn } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * Issue 13 item 4 in Debian's Chromium: an administrator issues a terminal on the administration page, downloads
 * its PKCS#12 once (a second attempt is refused), a browser uses that bundle to reach the gateway, then the
 * administrator revokes the terminal and the same bundle is refused. Real TLS, the gateway's own CA.
 */
if (!hasChromium()) {
  t.skip('/usr/bin/chromium is not installed (bash .ci/run installs it)', () => {});
} else {
  t.setTimeout(300_000);
  const stateDir = tempDir(t);
  const pki = await pkiOn(await initAuthority(join(stateDir, 'ca')), stateDir);
  const gw = await startTestGateway({ pki, stateDir });
  const staffCert = await pki.terminal('adm-pc');
  await gw.addTerminal('adm-pc', staffCert, []);
  const adm = await gw.addUser('adm-sano', ['admin'], null);
  const browser = await launchChromium();
  t.teardown(async () => {
    await browser.close();
    await gw.close();
  });
  const problems: string[] = [];
  let bundle: { pfx: Buffer; passphrase: string };

  t.test('issue: the PKCS#12 downloads once, its password is shown once, a second download is refused', async (t) => {
    const context = await terminalContext(browser, gw.url, staffCert, problems, /status of 410/);
    const page = await context.newPage();
    await browserLogin(page, `${gw.url}/_hic/login`, 'adm-sano', adm, gw.clock);
    t.equal(new URL(page.url()).pathname, '/_hic/admin/', 'the administrator lands on the administration pages');
    await page.click('nav.sub a[href="/_hic/admin/terminals"]');
    await page.fill('#t-id', 'pc-b1');
    await page.fill('#t-site', 'lab-b');
    await page.check('input[name=projects][value=alpha]');
    await page.fill('#t-validity', '90');
    await page.click('#terminal-issue');
    await page.waitForSelector('#p12-password');
    const passphrase = (await page.locator('#p12-password').textContent())!;
    t.ok(passphrase.length >= 16, 'the password is on the page');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#bundle-download')]);
    t.equal(download.suggestedFilename(), 'pc-b1.p12');
    const file = join(stateDir, 'pc-b1.p12');
    await download.saveAs(file);
    t.equal(
      openssl(['pkcs12', '-in', file, '-passin', `pass:${passphrase}`, '-nokeys', '-noout']).status,
      0,
      'the bundle opens with the shown password',
    );
    bundle = { pfx: readFileSync(file), passphrase };

    await page.click('#bundle-download');
    await page.waitForSelector('.notice.error');
    t.match((await page.locator('.notice.error').textContent()) ?? '', 'すでにダウンロードされたか', 'the second download is refused');
    t.notMatch(await page.content(), passphrase, 'the password is not shown again');
    await page.goto(`${gw.url}/_hic/admin/terminals`);
    t.notMatch(await page.content(), passphrase);
    const lines = (await gw.auditLines()).filter((l) => l.action === 'ca.bundle-download');
    t.same(
      lines.map((l) => [l.by, l.outcome]),
      [
        ['adm-sano', 'downloaded'],
        ['adm-sano', 'refused'],
      ],
    );
    await context.close();
  });

  t.test('the new terminal reaches the gateway with its bundle; after revocation it is refused', async (t) => {
    const before = await terminalContext(browser, gw.url, bundle, problems, /status of 403/);
    const user = await before.newPage();
    const ok = await user.goto(`${gw.url}/_hic/login`);
    t.equal(ok?.status(), 200, 'the issued certificate is accepted');
    t.equal(await user.locator('h1').textContent(), 'ログイン');

    const context = await terminalContext(browser, gw.url, staffCert, problems);
    const page = await context.newPage();
    await browserLogin(page, `${gw.url}/_hic/login?next=${encodeURIComponent('/_hic/admin/terminals/pc-b1')}`, 'adm-sano', adm, gw.clock);
    t.equal(new URL(page.url()).pathname, '/_hic/admin/terminals/pc-b1');
    await page.selectOption('#r-reason', 'keyCompromise');
    await page.fill('#r-note', '端末の紛失');
    await page.click('#terminal-revoke');
    await page.waitForSelector('.notice.ok');
    t.match((await page.locator('.notice.ok').textContent()) ?? '', '証明書を失効させました');
    t.match((await page.locator('#register').textContent()) ?? '', '失効（keyCompromise）');
    t.match(
      (await gw.auditLines()).find((l) => l.action === 'ca.revoke' && !l.outcome),
      { by: 'adm-sano', terminalId: 'pc-b1', reason: 'keyCompromise', note: '端末の紛失' },
    );

    // The same browser (its connection was cut) and a fresh one: refused, at the handshake or with the 403 page.
    for (const [label, ctx] of [
      ['the open browser', before],
      ['a new browser', await terminalContext(browser, gw.url, bundle, problems, /status of 403/)],
    ] as const) {
      const p = await ctx.newPage();
      const outcome = await p.goto(`${gw.url}/_hic/login`).then(
        (r) => r?.status() ?? 0,
        (err: Error) => err.message,
      );
      if (typeof outcome === 'number') {
        t.equal(outcome, 403, `${label}: refused`);
        t.match((await p.locator('main').textContent()) ?? '', 'この端末証明書は失効しています', `${label}: the page says why`);
      } else t.match(outcome, /ERR_/, `${label}: the handshake fails`);
      await ctx.close();
    }
    await context.close();
  });

  t.test('no console errors: the strict CSP blocks nothing the pages need', async (t) => {
    t.same(problems, []);
  });
}
