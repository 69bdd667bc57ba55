import t from 'tap';
import { raiseAlert } from '../../gateway/alerts/alert.js';
import { resumeUser, suspendUser } from '../../gateway/users/suspension.js';
import { formLogin, postForm, submitForm } from '../helpers/forms.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * Issue 13 item 3 over real TLS with forms: alert acknowledgement (who and when, in the audit log, once), a user's
 * sessions and one session's timeline in order, suspend / resume from the console (sessions end at once), and the
 * hourly chart whose bars add up to the records found.
 */
const pki = await makePki();
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());
const staffCert = await pki.terminal('sec-term');
await gw.addTerminal('sec-term', staffCert, []);
const userCert = await pki.terminal('ana-term');
await gw.addTerminal('ana-term', userCert);
const html = { accept: 'text/html' };
const sec = await gw.addUser('sec-mori', ['security'], null);
const ana = await gw.addUser('ana-kudo');
const console = gw.client(staffCert);
const analyst = gw.client(userCert);

t.test('log in', async (t) => {
  t.equal(await formLogin(gw, console, 'sec-mori', sec), '/_hic/security/');
  t.equal(await gw.login(analyst, 'ana-kudo', ana), 201);
  for (let i = 0; i < 3; i++) {
    gw.clock.advance(15 * 60_000); // within the idle limit of both sessions
    t.equal((await analyst.fetch('/', { headers: html })).status, 200);
    t.equal((await console.fetch('/_hic/', { headers: html })).status, 200);
  }
});

t.test('alerts: acknowledged once, by the logged-in member, recorded in the audit log', async (t) => {
  await raiseAlert(gw.gw.rt, { type: 'failed-login-burst', summary: '10 failed logins for ana-kudo', user: 'ana-kudo' });
  const list = await console.fetch('/_hic/security/alerts', { headers: html });
  t.equal(list.status, 200);
  t.match(list.body, '10 failed logins for ana-kudo');
  const ref = /10 failed logins for ana-kudo<\/td>.*?name="alert" value="([^"]+)"/.exec(list.body)?.[1];
  t.match(ref, /^[^/]+\/\d{4}-\d\d-\d\d\.jsonl:\d+$/);
  const acked = await submitForm(console, '/_hic/security/alerts', '/_hic/security/alerts/ack', { alert: ref!, note: '本人に確認済み' });
  t.equal(acked.status, 303);
  const after = await console.fetch('/_hic/security/alerts?done=acknowledged', { headers: html });
  t.match(after.body, 'アラートを確認済みにしました');
  t.match(after.body, /確認済み: sec-mori <time datetime="[^"]+" title="[^"]+">[^<]+<\/time> — 本人に確認済み/);
  t.notMatch(after.body, `value="${ref}"`, 'no second form');
  const ack = (await gw.auditLines()).filter((l) => l.action === 'alert.ack');
  t.equal(ack.length, 1);
  t.match(ack[0], {
    event: 'staff-action',
    by: 'sec-mori',
    alert: ref,
    type: 'failed-login-burst',
    user: 'ana-kudo',
    note: '本人に確認済み',
  });
  const twice = await postForm(console, '/_hic/security/alerts/ack', { alert: ref! });
  t.equal(twice.status, 409);
  t.match(twice.body, 'このアラートは sec-mori が確認済みです。');
  t.equal((await postForm(console, '/_hic/security/alerts/ack', { alert: 'x/2020-01-01.jsonl:1' })).status, 404);
  t.equal((await postForm(console, '/_hic/security/alerts/ack', { alert: '../../etc/passwd' })).status, 404);
  t.equal((await gw.auditLines()).filter((l) => l.action === 'alert.ack').length, 1, 'nothing more recorded');
});

t.test("sessions of a user and one session's timeline, oldest first", async (t) => {
  const list = await console.fetch('/_hic/security/sessions?user=ana-kudo', { headers: html });
  t.equal(list.status, 200);
  const link = /<a href="(\/_hic\/security\/sessions\/[^"]+)">/.exec(list.body)?.[1];
  t.ok(link, 'a session is listed');
  const timeline = await console.fetch(link!, { headers: html });
  t.equal(timeline.status, 200);
  const events = [
    ...timeline.body.matchAll(
      /<tr(?: class="alert")?><td class="time"><time datetime="([^"]+)"[^>]*>[^<]*<\/time><\/td><td>([^<]*)<\/td>/g,
    ),
  ];
  t.ok(events.length >= 4, 'login and the requests');
  t.equal(events[0]![2], 'login-success', 'the login first');
  const times = events.map((e) => e[1]!);
  t.same(times, [...times].sort(), 'in time order');
  t.ok(
    (await gw.auditLines()).some((l) => l.action === 'audit.timeline' && l.by === 'sec-mori'),
    'the view is audited',
  );
  t.equal((await console.fetch('/_hic/security/sessions?user=a%20b', { headers: html })).status, 200);
});

t.test('suspend from the console ends the session at once; resume needs a reason too', async (t) => {
  const noReason = await submitForm(console, '/_hic/security/users/ana-kudo', '/_hic/security/users/ana-kudo/suspend', { reason: '' });
  t.equal(noReason.status, 422);
  const done = await submitForm(console, '/_hic/security/users/ana-kudo', '/_hic/security/users/ana-kudo/suspend', {
    reason: '不審なアクセス',
  });
  t.equal(done.status, 303);
  t.equal(done.headers.location, '/_hic/security/users/ana-kudo?done=suspended');
  t.equal((await analyst.fetch('/_hic/api/session')).status, 401, "the analyst's session has ended");
  const line = (await gw.auditLines()).find((l) => l.action === 'user.suspend');
  t.match(line, { by: 'sec-mori', user: 'ana-kudo', reason: '不審なアクセス', sessionsEnded: 1 });
  t.equal(
    (await submitForm(console, '/_hic/security/users/ana-kudo', '/_hic/security/users/ana-kudo/resume', { reason: '確認済み' })).status,
    303,
  );
  t.equal((await gw.gw.rt.stores.accounts.get('ana-kudo'))!.status, 'active');
});

t.test('suspend a project from the console, then resume exactly what that suspension stopped', async (t) => {
  const rt = gw.gw.rt;
  await gw.addUser('ana-sato');
  await gw.addUser('ana-ito');
  await suspendUser(rt, 'ana-ito', '個別停止', 'sec-other');
  gw.clock.advance(31_000);
  t.equal(await gw.login(analyst, 'ana-kudo', ana), 201);
  const list = await console.fetch('/_hic/security/projects', { headers: html });
  t.equal(list.status, 200);
  t.match(list.body, '<a href="/_hic/security/projects/alpha">alpha</a>');
  t.match((await console.fetch('/_hic/security/', { headers: html })).body, 'href="/_hic/security/projects"', 'linked from the console');
  t.match(
    (await console.fetch('/_hic/security/users/ana-kudo', { headers: html })).body,
    'href="/_hic/security/projects/alpha"',
    "and from a member's account",
  );
  const page = await console.fetch('/_hic/security/projects/alpha', { headers: html });
  t.match(page.body, 'id="project-suspend-submit"');
  t.match(page.body, /<html lang="ja"/);
  t.match(
    (await console.fetch('/_hic/security/projects/alpha?lang=en', { headers: html })).body,
    'Suspend the project now',
    'English switch',
  );
  t.equal((await console.fetch('/_hic/security/projects/nope', { headers: html })).status, 404);
  t.equal(
    (await submitForm(console, '/_hic/security/projects/alpha', '/_hic/security/projects/alpha/suspend', { reason: ' ' })).status,
    422,
    'a reason is needed',
  );

  const done = await submitForm(console, '/_hic/security/projects/alpha', '/_hic/security/projects/alpha/suspend', {
    reason: '情報漏えいの疑い',
  });
  t.equal(done.status, 303);
  t.equal(done.headers.location, '/_hic/security/projects/alpha?done=project-suspended');
  t.equal((await analyst.fetch('/_hic/api/session')).status, 401, "the member's session ended at once");
  for (const u of ['ana-kudo', 'ana-sato'])
    t.match(await rt.stores.accounts.get(u), { status: 'suspended', suspensionReason: '情報漏えいの疑い' }, u);
  t.equal((await rt.stores.accounts.get('ana-ito'))!.suspensionReason, '個別停止', 'already suspended on its own: untouched');
  t.match(
    (await gw.auditLines()).find((l) => l.action === 'project.suspend'),
    { event: 'staff-action', by: 'sec-mori', project: 'alpha', reason: '情報漏えいの疑い', users: ['ana-kudo', 'ana-sato'] },
  );
  const shown = await console.fetch('/_hic/security/projects/alpha?done=project-suspended', { headers: html });
  t.match(shown.body, '利用停止中');
  t.match(shown.body, '情報漏えいの疑い');
  t.match(shown.body, 'id="project-resume-submit"');

  // ana-sato is resumed on her own and suspended again for another reason: that later suspension is not the project's.
  gw.clock.advance(60_000);
  await resumeUser(rt, 'ana-sato', '本人確認済み', 'sec-mori');
  gw.clock.advance(60_000);
  await suspendUser(rt, 'ana-sato', '別件', 'sec-mori');

  const resumed = await submitForm(console, '/_hic/security/projects/alpha', '/_hic/security/projects/alpha/resume', {
    reason: '調査完了',
  });
  t.equal(resumed.status, 303);
  t.equal(resumed.headers.location, '/_hic/security/projects/alpha?done=project-resumed');
  t.equal((await rt.stores.accounts.get('ana-kudo'))!.status, 'active', 'stopped by the project: resumed');
  t.equal((await rt.stores.accounts.get('ana-sato'))!.suspensionReason, '別件', 'suspended again since: stays');
  t.equal((await rt.stores.accounts.get('ana-ito'))!.suspensionReason, '個別停止', 'suspended before: stays');
  t.equal((await rt.stores.projects.get('alpha'))!.suspension, undefined);
  t.match(
    (await gw.auditLines()).find((l) => l.action === 'project.resume' && l.outcome === undefined),
    {
      event: 'staff-action',
      by: 'sec-mori',
      project: 'alpha',
      reason: '調査完了',
      users: ['ana-kudo'],
      skipped: [{ user: 'ana-sato', why: 'suspended-since' }],
    },
  );
  gw.clock.advance(31_000);
  t.equal(await gw.login(analyst, 'ana-kudo', ana), 201, 'the member logs in again');
  const again = await submitForm(console, '/_hic/security/projects/alpha', '/_hic/security/projects/alpha/resume', { reason: 'もう一度' });
  t.equal(again.status, 400, 'not suspended');
  t.ok(
    (await gw.auditLines()).some((l) => l.action === 'project.resume' && l.outcome === 'failed' && l.by === 'sec-mori'),
    'the refused attempt is audited',
  );
});

t.test("the console's chart: a bar per hour, the bars add up to the records found", async (t) => {
  const page = await console.fetch('/_hic/security/?user=ana-kudo&since=6h', { headers: html });
  t.equal(page.status, 200);
  t.match(page.body, '<svg class="chart"');
  const total = Number(/（(\d+)件、新しい順）/.exec(page.body)?.[1]);
  const bars = [...page.body.matchAll(/<rect class="all"[^>]* data-count="(\d+)"/g)].map((m) => Number(m[1]));
  t.ok(bars.length >= 6 && bars.length <= 7, 'one bar per hour over six hours');
  t.equal(
    bars.reduce((a, b) => a + b, 0),
    total,
  );
  t.notMatch(page.body, / style="/, 'no inline style attribute (CSP)');
});

t.test('the activity chart: logins, failures, refusals and blocked transfers per hour, whatever event is searched', async (t) => {
  const HOUR = 3_600_000;
  const creds = await gw.addUser('ana-chart');
  const c = gw.client(userCert);
  const hourOf = () => new Date(Math.floor(gw.clock.now() / HOUR) * HOUR).toISOString();
  gw.clock.advance(HOUR);
  const first = hourOf();
  gw.clock.advance(31_000);
  t.equal(await gw.login(c, 'ana-chart', { ...creds, password: 'wrong-password-1' }), 401);
  gw.clock.advance(31_000);
  t.equal(await gw.login(c, 'ana-chart', { ...creds, password: 'wrong-password-2' }), 401);
  gw.clock.advance(31_000);
  t.equal(await gw.login(c, 'ana-chart', creds), 201);
  gw.clock.advance(HOUR);
  const second = hourOf();
  t.equal(await gw.login(c, 'ana-chart', creds), 201);
  t.equal((await c.fetch('/files/a.csv', { headers: html })).status, 403, 'a download is refused');
  t.equal((await c.fetch('/_hic/no-such-page', { headers: html })).status, 404, 'an unknown gateway path is refused');
  const mine = (await gw.auditLines()).filter((l) => l.user === 'ana-chart');
  t.equal(mine.filter((l) => l.kind === 'access' && l.reason === 'download-blocked').length, 1, 'the log has the blocked download');
  const refusedHere = mine.filter(
    (l) =>
      l.kind === 'access' &&
      !['allowed', 'gateway-page', 'health-check', 'crl-distribution', 'websocket-closed'].includes(l.reason as string),
  ).length;
  t.ok(refusedHere >= 1, 'and the refusals');

  gw.clock.advance(31_000);
  t.equal(await formLogin(gw, console, 'sec-mori', sec), '/_hic/security/', 'the console logs in again (its session went idle)');
  const page = await console.fetch('/_hic/security/?user=ana-chart&since=6h&event=login-failed', { headers: html });
  t.equal(page.status, 200);
  t.match(page.body, /（2件、新しい順）/, 'the search itself finds only the two failures');
  const bars = [...page.body.matchAll(/<rect class="(\w+)"[^>]* data-series="(\w+)" data-start="([^"]+)" data-count="(\d+)"/g)].map(
    (m) => ({ cls: m[1]!, series: m[2]!, start: m[3]!, count: Number(m[4]) }),
  );
  t.ok(
    bars.every((b) => b.cls === b.series),
    'each bar coloured by its series class',
  );
  const counts = (series: string) =>
    Object.fromEntries(bars.filter((b) => b.series === series && b.count > 0).map((b) => [b.start, b.count]));
  t.same(counts('logins'), { [first]: 1, [second]: 1 }, 'logins: one in each hour');
  t.same(counts('failures'), { [first]: 2 }, 'failures: two in the first hour');
  t.same(counts('refusals'), { [second]: refusedHere }, 'refusals: the refused requests of the second hour, the blocked download included');
  t.same(counts('blocked'), { [second]: 1 }, 'blocked transfers: the download');
  for (const s of ['logins', 'failures', 'refusals', 'blocked'])
    t.equal(bars.filter((b) => b.series === s).length, 7, `${s}: a bar for each hour of the six`);
  t.match(page.body, /<svg class="chart"[^>]* role="img" aria-labelledby="activity-title activity-desc"/, 'named for assistive technology');
  t.match(page.body, /<desc id="activity-desc">ログイン 2、ログイン失敗 2、拒否された要求 \d+、遮断された転送 1/);
  t.match(page.body, /<span class="n" data-series="blocked">1<\/span>/, 'the legend gives each total');
  t.match(page.body, /<table id="activity-table">.*<th scope="col">遮断された転送<\/th>/s, 'the same counts as a table');
  t.notMatch(page.body, / style="|<script(?![^>]*\ssrc=)/, 'no inline style or script (CSP)');
  const en = await console.fetch('/_hic/security/?user=ana-chart&since=6h&lang=en', { headers: html });
  t.match(en.body, 'Blocked transfers');
});
