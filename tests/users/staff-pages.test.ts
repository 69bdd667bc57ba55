import t from 'tap';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { csrfOf, formLogin as loginByForms, submitForm } from '../helpers/forms.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/** Issue 13 items 1–2: the staff portal and the helpdesk screen over real TLS, forms with CSRF, real audit log. */
const pki = await makePki();
const gw = await startTestGateway({ pki, pages: { helpdeskContact: 'ext. 1234' } });
t.teardown(() => gw.close());
const staffCert = await pki.terminal('staff-1');
await gw.addTerminal('staff-1', staffCert, []);
const userCert = await pki.terminal('user-1');
await gw.addTerminal('user-1', userCert);
const html = { accept: 'text/html' };
const hd = await gw.addUser('hd-sato', ['helpdesk'], null);
const sec = await gw.addUser('sec-ito', ['security'], null);
const adm = await gw.addUser('adm-kato', ['admin'], null);

/** A browser login through the two form pages; returns the final redirect. */
const formLogin = (c: ReturnType<typeof gw.client>, username: string, creds: { password: string; totpSecret: string }, next = '') =>
  loginByForms(gw, c, username, creds, next);

t.test('each role lands on its own start page; a staff link survives login; scripts get JSON', async (t) => {
  const anon = gw.client(staffCert);
  const redirect = await anon.fetch('/_hic/security/', { headers: html });
  t.equal(redirect.status, 302, 'a browser without a session is sent to log in, not a raw JSON 401');
  t.equal(redirect.headers.location, '/_hic/login?next=%2F_hic%2Fsecurity%2F');
  const json = await anon.fetch('/_hic/security/', { headers: { accept: 'application/json' } });
  t.equal(json.status, 401);
  t.equal(json.json().error, 'NOT_AUTHENTICATED');
  const login = await anon.fetch('/_hic/login?next=%2F_hic%2Fsecurity%2F', { headers: html });
  t.match(login.body, '<input type="hidden" name="next" value="/_hic/security/">', 'the link is kept through the login');
  t.equal(await formLogin(anon, 'sec-ito', sec, '/_hic/security/'), '/_hic/security/');

  t.equal(await formLogin(gw.client(staffCert), 'hd-sato', hd), '/_hic/helpdesk/', 'helpdesk start page');
  const admin = gw.client(staffCert);
  t.equal(await formLogin(admin, 'adm-kato', adm), '/_hic/admin/', 'administrator: the administration pages');
  const portal = await admin.fetch('/_hic/', { headers: html });
  t.equal(portal.status, 200);
  t.match(portal.body, '<span class="who">ユーザー: adm-kato</span><span class="clock">');
  t.match(
    portal.body,
    /<span class="clock">\d{4}-\d\d-\d\d \d\d:\d\d \(Asia\/Tokyo\)<\/span><a class="logout" href="\/_hic\/logout">ログアウト<\/a>/,
  );
  t.match(
    portal.body,
    '<nav class="menu" aria-label="メニュー"><a href="/_hic/" aria-current="page">ポータル</a><a href="/_hic/admin/">管理</a></nav>',
  );
  t.match(portal.body, '<a href="/_hic/admin/">管理</a> — 研究課題、アカウント、利用端末と証明書');
  t.match(portal.body, /data-idle-ms="1200000"/);
  const portalJson = await admin.fetch('/_hic/', { headers: { accept: 'application/json' } });
  t.same(portalJson.json(), { user: 'adm-kato', roles: ['admin'], areas: [{ role: 'admin', path: '/_hic/admin/' }] });
  for (const bad of ['//evil.example/x', '/_hic/logout', '/_hic/api/session', 'https://evil.example/']) {
    const page = await gw.client(staffCert).fetch(`/_hic/login?next=${encodeURIComponent(bad)}`, { headers: html });
    t.match(page.body, '<input type="hidden" name="next" value="">', `next ${bad} is dropped`);
  }
});

t.test("outside the role: a 403 page with the person's own menu, audited", async (t) => {
  const c = gw.client(staffCert);
  await formLogin(c, 'sec-ito', sec);
  const res = await c.fetch('/_hic/helpdesk/', { headers: html });
  t.equal(res.status, 403);
  t.match(res.body, '<a href="/_hic/security/">セキュリティ監査</a>');
  t.notMatch(res.body, 'href="/_hic/helpdesk/"', 'no menu entry for a role the person lacks');
  const lines = await gw.auditLines();
  t.ok(lines.some((l) => l.event === 'staff-action-refused' && l.by === 'sec-ito' && l.action === 'helpdesk.find'));
});

t.test('helpdesk: find, see the lock, record the check and unlock, the analyst logs in again; reset code shown once', async (t) => {
  const creds = await gw.addUser('kumi');
  const analyst = gw.client(userCert);
  for (let i = 0; i < 5; i++) {
    const res = await analyst.fetch('/_hic/api/session', {
      method: 'POST',
      body: { username: 'kumi', password: `wrong-${i}`, totp: '000000' },
    });
    t.equal(res.status, 401);
  }
  t.not((await gw.gw.rt.stores.accounts.get('kumi'))!.lockedAt, null, 'locked after five failures');

  const c = gw.client(staffCert);
  await formLogin(c, 'hd-sato', hd);
  const found = await c.fetch('/_hic/helpdesk/?q=KUM', { headers: html });
  t.match(found.body, '<tr><td><a href="/_hic/helpdesk/users/kumi">kumi</a></td><td>-</td><td>alpha</td><td>有効 / ロック中</td></tr>');
  const account = await c.fetch('/_hic/helpdesk/users/kumi', { headers: html });
  t.match(account.body, '<dt>ロック</dt><dd><strong>ロック中</strong>');
  t.match(account.body, '<dd>パスワード 5/5、ワンタイムコード 0/5</dd>');
  t.match(account.body, '<p>確認者: <strong>hd-sato</strong></p>');
  t.match(account.body, '<p>記録はありません。</p>');

  const missing = await c.fetch('/_hic/helpdesk/users/kumi/unlock', {
    method: 'POST',
    headers: html,
    body: new URLSearchParams({ _csrf: csrfOf(account.body), method: 'video-call' }).toString(),
  });
  t.equal(missing.status, 422, 'no unlock without the whole identity check');
  t.match(missing.body, '確認方法と確認書類を選んでください（本人確認の記録が先です）。');
  t.not((await gw.gw.rt.stores.accounts.get('kumi'))!.lockedAt, null);
  const missingReset = await c.fetch('/_hic/helpdesk/users/kumi/reset', {
    method: 'POST',
    headers: html,
    body: new URLSearchParams({ _csrf: csrfOf(account.body), document: 'staff-card' }).toString(),
  });
  t.equal(missingReset.status, 422, 'no reset without the whole identity check either');
  t.notMatch(missingReset.body, 'reset-code', 'and no code');
  const noCsrf = await c.fetch('/_hic/helpdesk/users/kumi/unlock', {
    method: 'POST',
    headers: html,
    body: 'method=video-call&document=staff-card',
  });
  t.equal(noCsrf.status, 403);

  const unlocked = await submitForm(c, '/_hic/helpdesk/users/kumi', '/_hic/helpdesk/users/kumi/unlock', {
    method: 'video-call',
    document: 'staff-card',
    reference: 'T-2026-117',
  });
  t.equal(unlocked.status, 200);
  t.match(unlocked.body, 'ロックを解除しました。本人確認を台帳に記録しました。');
  t.match(
    unlocked.body,
    /<tr><td class="time"><time datetime="[^"]+" title="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d<\/time><\/td><td>unlock<\/td><td>hd-sato<\/td><td>ビデオ通話<\/td><td>職員証・学生証<\/td><td>T-2026-117<\/td><\/tr>/,
    'the ledger row, verifier = the logged-in helpdesk user',
  );
  const again = await submitForm(c, '/_hic/helpdesk/users/kumi', '/_hic/helpdesk/users/kumi/unlock', {
    method: 'video-call',
    document: 'staff-card',
  });
  t.equal(again.status, 409, 'a second unlock (an old tab) is told the truth');
  t.match(again.body, 'このアカウントはロックされていません。何も変更していません（本人確認も記録していません）。');
  t.notMatch(again.body, '<form method="post" action="/_hic/helpdesk/users/kumi/unlock">', 'and the unlock form is gone');
  t.equal((await gw.gw.rt.stores.accounts.get('kumi'))!.identityChecks!.length, 1, 'one ledger entry only');

  gw.clock.advance(60_000);
  t.equal(await gw.login(gw.client(userCert), 'kumi', creds), 201, 'the analyst logs in again');

  const reset = await submitForm(c, '/_hic/helpdesk/users/kumi', '/_hic/helpdesk/users/kumi/reset', {
    method: 'in-person',
    document: 'my-number-card',
  });
  t.equal(reset.status, 201);
  const code = /<code id="reset-code">([A-Z0-9-]+)<\/code>/.exec(reset.body)?.[1];
  t.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  t.match(reset.body, 'ユーザーID、このリセットコード、認証アプリに表示されたコードを入力してください。');
  const reload = await c.fetch('/_hic/helpdesk/users/kumi', { headers: html });
  t.notMatch(reload.body, code!, 'the code is shown once');
  gw.clock.advance(60_000);
  const done = await gw.client(userCert).fetch('/_hic/api/reset', {
    method: 'POST',
    body: { username: 'kumi', code: code!, totp: currentTotp(creds.totpSecret, gw.clock.now()), next: 'Hq6#tY2@pL8w' },
  });
  t.equal(done.status, 200, 'the user completes it with their own TOTP');

  const lines = await gw.auditLines();
  t.ok(
    lines.some(
      (l) =>
        l.event === 'identity-check' &&
        l.user === 'kumi' &&
        l.by === 'hd-sato' &&
        l.verifiedBy === 'hd-sato' &&
        l.method === 'video-call' &&
        l.reference === 'T-2026-117',
    ),
  );
  t.ok(lines.some((l) => l.event === 'staff-action' && l.action === 'user.unlock' && l.by === 'hd-sato' && l.user === 'kumi' && l.checkId));
  t.ok(
    lines.some((l) => l.event === 'staff-action' && l.action === 'user.unlock' && l.outcome === 'not-locked'),
    'the second, empty unlock is audited too',
  );
  t.ok(lines.some((l) => l.event === 'staff-action' && l.action === 'helpdesk.find' && l.query === 'KUM' && l.count === 1));
});

t.test('security console: newest first with paging, the unlock with actor and action, CSV rows match, bad input refused', async (t) => {
  const c = gw.client(staffCert);
  await formLogin(c, 'sec-ito', sec);
  const unlocks = await c.fetch('/_hic/security/?event=staff-action', { headers: html });
  t.equal(unlocks.status, 200);
  const rows = [
    ...unlocks.body.matchAll(
      /<tr(?: class="alert")?><td class="time"><time datetime="([^"]+)" title="[^"]+">([^<]+)<\/time><\/td>((?:<td>[^<]*<\/td>)+)<\/tr>/g,
    ),
  ];
  t.ok(rows.length >= 3, `staff actions listed (${rows.length})`);
  const times = rows.map((r) => Date.parse(r[1]!));
  t.same(
    times,
    [...times].sort((a, b) => b - a),
    'newest first',
  );
  const cells = (r: RegExpMatchArray) => [...r[3]!.matchAll(/<td>([^<]*)<\/td>/g)].map((x) => x[1]);
  const unlock = rows.map(cells).find((c) => c[2] === 'user.unlock' && c[3] === 'kumi' && c[8] === '-');
  t.ok(unlock, 'the unlock is there');
  t.same(unlock!.slice(0, 4), ['staff-action', 'hd-sato', 'user.unlock', 'kumi'], 'event, actor, action, target user');
  t.match(rows[0]![2], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'local time, the ISO time in the tooltip');
  t.match(unlocks.body, '<th scope="col">操作者</th><th scope="col">操作</th><th scope="col">対象ユーザー</th>', 'Japanese headers');

  const all = await c.fetch('/_hic/security/?event=access', { headers: html });
  const total = Number(/（(\d+)件、新しい順）/.exec(all.body)?.[1]);
  t.ok(total > 50, `more than one page of access records (${total})`);
  const page1 = [...all.body.matchAll(/<td>([^<]+:\d+)<\/td><\/tr>/g)].map((m) => m[1]!);
  t.equal(page1.length, 50);
  const older = await c.fetch('/_hic/security/?event=access&page=2', { headers: html });
  const page2Times = [...older.body.matchAll(/<time datetime="([^"]+)"/g)].map((m) => Date.parse(m[1]!));
  const page1Times = [...all.body.matchAll(/<time datetime="([^"]+)"/g)].map((m) => Date.parse(m[1]!));
  t.ok(Math.max(...page2Times) <= Math.min(...page1Times), 'page 2 holds older records');
  t.match(all.body, '<a href="/_hic/security/?event=access&amp;page=2" rel="next">古い記録 →</a>');

  const csv = await c.fetch('/_hic/security/export.csv?event=access', { headers: html });
  t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  const lines = csv.body
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n');
  t.equal(lines[0], 'time_utc,time_local,event,actor,action,target_user,project,terminal_id,fingerprint,address,detail,where');
  t.ok(lines.length - 1 >= total, 'every row of the search (and the requests since)');
  const csvWhere = lines.slice(1).map((l) => l.split(',').at(-1)!);
  for (const where of page1) t.ok(csvWhere.includes(where), `CSV has ${where}`);

  const typo = await c.fetch('/_hic/security/?event=login-faild', { headers: html });
  t.match(typo.body, 'イベント「login-faild」はありません。一覧から選んでください。');
  const badDay = await c.fetch('/_hic/security/?since=2025-02-30T09:00', { headers: html });
  t.match(badDay.body, /since: an ISO 8601 time/);
  const deep = await c.fetch('/_hic/security/?event=access&page=0', { headers: html });
  t.match(deep.body, 'page: a whole number from 1 to 200');
  const lines2 = await gw.auditLines();
  t.ok(
    lines2.some((l) => l.event === 'staff-action' && l.action === 'audit.export' && l.by === 'sec-ito' && l.format === 'csv'),
    'the export is recorded',
  );
});
