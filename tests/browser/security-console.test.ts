import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { unlockUser } from '../../gateway/users/unlock.js';
import { browserLogin, hasChromium, launchChromium, terminalContext } from '../helpers/browser.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * Issue 13 item 3 in Debian's Chromium: the security team finds a helpdesk unlock with its actor and action, pages
 * to older records, exports the search as CSV whose rows are the search's, and sees the hourly chart whose bars
 * match the records; then acknowledges the alert the lock raised. Real TLS, a real audit log.
 */
if (!hasChromium()) {
  t.skip('/usr/bin/chromium is not installed (bash .ci/run installs it)', () => {});
} else {
  t.setTimeout(300_000);
  const pki = await makePki();
  const gw = await startTestGateway({ pki });
  const staffCert = await pki.terminal('sec-pc');
  await gw.addTerminal('sec-pc', staffCert, []);
  const userCert = await pki.terminal('ana-pc');
  await gw.addTerminal('ana-pc', userCert);
  const sec = await gw.addUser('sec-hara', ['security'], null);
  const natsu = await gw.addUser('natsu');
  const browser = await launchChromium();
  const downloads = mkdtempSync(join(tmpdir(), 'hic-csv-'));
  t.teardown(async () => {
    await browser.close();
    await gw.close();
  });
  const problems: string[] = [];

  t.test('records to look at: five failures lock natsu, the helpdesk unlocks, natsu works (60 requests)', async (t) => {
    const analyst = gw.client(userCert);
    for (let i = 0; i < 5; i++) {
      const r = await analyst.fetch('/_hic/api/session', {
        method: 'POST',
        body: { username: 'natsu', password: `wrong-${i}`, totp: '000000' },
      });
      t.equal(r.status, 401);
    }
    t.not((await gw.gw.rt.stores.accounts.get('natsu'))!.lockedAt, null, 'locked');
    gw.clock.advance(60_000);
    await unlockUser(gw.gw.rt, 'natsu', { verifiedBy: 'hd-mori', method: 'call-back', document: 'driving-licence' }, 'hd-mori');
    gw.clock.advance(60_000);
    t.equal(await gw.login(analyst, 'natsu', natsu), 201);
    for (let i = 0; i < 60; i++) {
      if (i % 20 === 0) gw.clock.advance(10 * 60_000);
      await analyst.fetch('/', { headers: { accept: 'text/html' } });
    }
    await gw.gw.rt.audit.flush();
  });

  t.test('search, actor and action, paging, CSV, chart', async (t) => {
    const context = await terminalContext(browser, gw.url, staffCert, problems);
    const page = await context.newPage();
    await browserLogin(page, `${gw.url}/_hic/security/`, 'sec-hara', sec, gw.clock);
    t.equal(new URL(page.url()).pathname, '/_hic/security/');

    await page.selectOption('select[name=event]', 'staff-action');
    await page.click('form[role=search] button');
    await page.waitForSelector('#results');
    const unlock = page.locator('#results tbody tr', { hasText: 'user.unlock' });
    t.equal(await unlock.count(), 1, 'the unlock is found');
    const cells = await unlock.locator('td').allTextContents();
    t.same(cells.slice(1, 5), ['staff-action', 'hd-mori', 'user.unlock', 'natsu'], 'event, actor, action, target user');
    t.ok((await page.locator('#hourly-chart svg rect.all').count()) > 0, 'the chart is there');

    await page.fill('input[name=user]', 'natsu');
    await page.selectOption('select[name=event]', 'access');
    await page.click('form[role=search] button');
    await page.waitForSelector('#results');
    const total = Number(/（(\d+)件、新しい順）/.exec((await page.locator('nav.pager span').textContent()) ?? '')?.[1]);
    t.ok(total > 50, `more than a page (${total})`);
    const times = async () =>
      page.locator('#results tbody tr td.time time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime')!));
    const page1 = await times();
    t.equal(page1.length, 50);
    t.same(page1, [...page1].sort().reverse(), 'newest first');

    // The chart: one bar per hour of the range; every record sits in a bar with a count, and the bars add up.
    const bars = await page
      .locator('#hourly-chart rect.all')
      .evaluateAll((els) =>
        els.map((e) => ({ start: Date.parse(e.getAttribute('data-start')!), count: Number(e.getAttribute('data-count')) })),
      );
    t.equal(
      bars.reduce((a, b) => a + b.count, 0),
      total,
      'the bars add up to the records found',
    );
    for (const time of page1) {
      const at = Date.parse(time);
      const bar = bars.find((b) => at >= b.start && at < b.start + 3_600_000);
      t.ok(bar && bar.count > 0, `a bar holds ${time}`);
    }
    const where1 = await page.locator('#results tbody tr td:last-child').allTextContents();

    await page.click('nav.pager a[rel=next]');
    await page.waitForURL(/page=2/);
    const page2 = await times();
    t.equal(page2.length, total - 50);
    t.ok(page2[0]! <= page1.at(-1)!, 'page 2 holds older records');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv-export')]);
    const file = join(downloads, 'export.csv');
    await download.saveAs(file);
    const csv = readFileSync(file, 'utf8');
    t.ok(csv.startsWith('\ufefftime_utc,time_local,event,actor'), 'UTF-8 with BOM and the header');
    const rows = csv
      .trim()
      .split('\r\n')
      .slice(1)
      .map((l) => l.split(','));
    t.equal(rows.length, total, 'every record of the search, no more');
    t.ok(
      rows.every((r) => r[2]!.startsWith('GET ') && r[3] === 'natsu'),
      "all of them the search's",
    );
    const whereCsv = new Set(rows.map((r) => r.at(-1)));
    t.ok(
      where1.every((w) => whereCsv.has(w)),
      'page 1 is in the export',
    );
    t.ok(
      (await gw.auditLines()).some((l) => l.action === 'audit.export' && l.by === 'sec-hara'),
      'the export is recorded',
    );
    await context.close();
  });

  t.test('the lock raised an alert; acknowledging it records who and when', async (t) => {
    const context = await terminalContext(browser, gw.url, staffCert, problems);
    const page = await context.newPage();
    await browserLogin(page, `${gw.url}/_hic/security/alerts`, 'sec-hara', sec, gw.clock);
    const row = page.locator('#alerts tbody tr', { hasText: 'account-locked' });
    t.equal(await row.count(), 1, 'the lock is an alert');
    await row.locator('input[name=note]').fill('本人の入力ミス');
    await row.locator('button.ack').click();
    await page.waitForSelector('.notice.ok');
    t.match(
      (await page.locator('#alerts tbody tr', { hasText: 'account-locked' }).textContent()) ?? '',
      /確認済み: sec-hara \d{4}-\d\d-\d\d \d\d:\d\d:\d\d — 本人の入力ミス/,
    );
    t.match(
      (await gw.auditLines()).find((l) => l.action === 'alert.ack'),
      { by: 'sec-hara', type: 'account-locked', note: '本人の入力ミス' },
    );
    await context.close();
  });

  t.test('no console errors: the strict CSP blocks nothing the pages need', async (t) => {
    t.same(problems, []);
  });
}
