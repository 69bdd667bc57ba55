import { join } from 'node:path';
import t from 'tap';
import { initAuthority } from '../../ca/index.js';
import { tempDir } from '../ca/helpers.js';
import { formLogin, postForm, submitForm } from '../helpers/forms.js';
import { pkiOn } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/**
 * Issue 13 item 4 over real TLS with forms as a browser sends them: the administration pages for projects, accounts
 * and terminals — role admin only, CSRF on every form, every action in the audit log, the initial password and
 * the PKCS#12 bundle given out once.
 */
const stateDir = tempDir(t);
const pki = await pkiOn(await initAuthority(join(stateDir, 'ca')), stateDir);
const gw = await startTestGateway({ pki, stateDir });
t.teardown(() => gw.close());
const staffCert = await pki.terminal('adm-term');
await gw.addTerminal('adm-term', staffCert, []);
const html = { accept: 'text/html' };
const admin = gw.client(staffCert);
const security = gw.client(staffCert);
const adm = await gw.addUser('adm-ueda', ['admin'], null);
const sec = await gw.addUser('sec-oda', ['security'], null);
const staffAction = async (action: string) => (await gw.auditLines()).filter((l) => l.event === 'staff-action' && l.action === action);

t.test('log in: the administrator lands on the administration pages', async (t) => {
  t.equal(await formLogin(gw, admin, 'adm-ueda', adm), '/_hic/admin/');
  t.equal(await formLogin(gw, security, 'sec-oda', sec), '/_hic/security/');
  const home = await admin.fetch('/_hic/admin/', { headers: html });
  t.equal(home.status, 200);
  t.equal(home.headers['cache-control'], 'no-store');
  t.match(
    home.body,
    '<nav class="menu" aria-label="メニュー"><a href="/_hic/">ポータル</a><a href="/_hic/admin/" aria-current="page">管理</a></nav>',
  );
  t.match(home.body, '<a href="/_hic/admin/projects">研究課題</a>: 1');
  for (const path of ['/_hic/admin/', '/_hic/admin/projects', '/_hic/admin/accounts', '/_hic/admin/terminals']) {
    const en = await admin.fetch(`${path}?lang=en`, { headers: html });
    t.equal(en.status, 200);
    t.match(en.body, '<html lang="en">', `${path} in English`);
    t.match(en.body, '<nav class="sub" aria-label="Administration"><a href="/_hic/admin/projects"');
    t.notMatch(/<main[^>]*>(.*)<\/main>/s.exec(en.body)?.[1] ?? '', /[\u3040-\u30ff]/, `${path}: no kana left in English`);
  }
});

t.test('outside the role or without the CSRF token nothing happens', async (t) => {
  const page = await security.fetch('/_hic/admin/accounts', { headers: html });
  t.equal(page.status, 403);
  const post = await postForm(security, '/_hic/admin/accounts', { username: 'x1', roles: 'helpdesk' });
  t.equal(post.status, 403);
  const refused = (await gw.auditLines()).filter((l) => l.event === 'staff-action-refused' && l.by === 'sec-oda').map((l) => l.action);
  t.same(refused, ['user.list', 'user.add'], 'both refusals audited');
  const noToken = await admin.fetch('/_hic/admin/accounts', { method: 'POST', body: 'username=x2&roles=helpdesk', headers: html });
  t.equal(noToken.status, 403);
  t.match(noToken.body, 'フォームの有効期限が切れたか');
  t.equal(await gw.gw.rt.stores.accounts.get('x2'), null, 'nothing created');
});

t.test('projects: add with days in Asia/Tokyo, a day that does not exist refused, change, end', async (t) => {
  const bad = await submitForm(admin, '/_hic/admin/projects', '/_hic/admin/projects', {
    id: 'study-9',
    upstream: 'http://10.1.0.9:8888',
    networks: '203.0.113.0/28',
    start: '2026-02-30',
  });
  t.equal(bad.status, 400);
  t.match(bad.body, '利用開始日：YYYY-MM-DD 形式の実在する日付を入力してください');
  t.match(bad.body, 'value="study-9"', 'what was typed stays');
  const added = await submitForm(admin, '/_hic/admin/projects', '/_hic/admin/projects', {
    id: 'study-9',
    name: '研究9',
    upstream: 'http://10.1.0.9:8888',
    networks: '203.0.113.0/28\r\n198.51.100.0/24',
    start: '2026-04-01',
    end: '2027-03-31',
  });
  t.equal(added.status, 303);
  t.equal(added.headers.location, '/_hic/admin/projects/study-9?done=project-added');
  const p = (await gw.gw.rt.stores.projects.get('study-9'))!;
  t.same(p.networks, ['203.0.113.0/28', '198.51.100.0/24']);
  t.equal(new Date(p.startsAt!).toISOString(), '2026-03-31T15:00:00.000Z', '00:00 JST');
  t.equal(new Date(p.endsAt!).toISOString(), '2027-03-31T15:00:00.000Z', 'the last day inclusive: the next JST midnight');
  const view = await admin.fetch('/_hic/admin/projects/study-9?done=project-added', { headers: html });
  t.match(view.body, '研究課題を登録しました。');
  t.match(view.body, '2026-04-01 – 2027-03-31');
  const changed = await submitForm(admin, '/_hic/admin/projects/study-9', '/_hic/admin/projects/study-9', {
    name: '研究9',
    upstream: 'http://10.1.0.9:8888',
    networks: '203.0.113.0/28',
    start: '2026-04-01',
    end: '2027-09-30',
  });
  t.equal(changed.status, 303);
  const update = (await staffAction('project.update')).at(-1)!;
  t.equal(update.by, 'adm-ueda');
  t.same(Object.keys(update.changed).sort(), ['endsAt', 'networks']);
  const ended = await submitForm(admin, '/_hic/admin/projects/study-9', '/_hic/admin/projects/study-9/end', { confirm: '1' });
  t.equal(ended.status, 303);
  t.equal((await gw.gw.rt.stores.projects.get('study-9'))!.status, 'ended');
  t.equal((await staffAction('project.end')).length, 1);
});

t.test('accounts: the initial password is shown once; suspend and resume with a reason', async (t) => {
  const created = await submitForm(admin, '/_hic/admin/accounts', '/_hic/admin/accounts', {
    username: 'new-ana',
    displayName: '新 解析',
    roles: 'analyst',
    project: 'alpha',
  });
  t.equal(created.status, 201);
  t.equal(created.headers['cache-control'], 'no-store');
  const password = /<code class="secret" id="initial-password">([^<]+)<\/code>/.exec(created.body)?.[1];
  t.ok(password && password.length === 16, 'the password is on the answer');
  t.equal((await staffAction('user.add')).at(-1)!.user, 'new-ana');
  t.notMatch(JSON.stringify(await gw.auditLines()), password!, 'never in the log');
  const list = await admin.fetch('/_hic/admin/accounts', { headers: html });
  t.notMatch(list.body, password!, 'not on any later page');
  const again = await submitForm(admin, '/_hic/admin/accounts', '/_hic/admin/accounts', {
    username: 'new-ana',
    roles: 'analyst',
    project: 'alpha',
  });
  t.equal(again.status, 409);
  t.notMatch(again.body, 'initial-password');
  const noRole = await submitForm(admin, '/_hic/admin/accounts', '/_hic/admin/accounts', { username: 'no-role' });
  t.equal(noRole.status, 400);
  t.match(noRole.body, '役割を1つ以上選んでください。');

  const noReason = await submitForm(admin, '/_hic/admin/accounts/new-ana', '/_hic/admin/accounts/new-ana/suspend', { reason: ' ' });
  t.equal(noReason.status, 422);
  const suspended = await submitForm(admin, '/_hic/admin/accounts/new-ana', '/_hic/admin/accounts/new-ana/suspend', { reason: '退職' });
  t.equal(suspended.status, 303);
  t.equal((await gw.gw.rt.stores.accounts.get('new-ana'))!.status, 'suspended');
  const page = await admin.fetch('/_hic/admin/accounts/new-ana?done=suspended', { headers: html });
  t.match(page.body, '利用を停止しました。');
  t.match(page.body, 'id="resume-submit"', 'now the resume form');
  t.equal((await submitForm(admin, '/_hic/admin/accounts/new-ana', '/_hic/admin/accounts/new-ana/resume', { reason: '復職' })).status, 303);
  t.equal((await gw.gw.rt.stores.accounts.get('new-ana'))!.status, 'active');
  t.same(
    (await gw.auditLines())
      .filter((l) => l.user === 'new-ana' && /user\.(suspend|resume)/.test(l.action ?? '') && l.outcome === undefined)
      .map((l) => [l.action, l.by, l.reason]),
    [
      ['user.suspend', 'adm-ueda', '退職'],
      ['user.resume', 'adm-ueda', '復職'],
    ],
  );
});

t.test('terminals: issue, the PKCS#12 downloadable once, revoke', async (t) => {
  const issued = await submitForm(admin, '/_hic/admin/terminals', '/_hic/admin/terminals', {
    terminal: 'pc-201',
    site: 'lab-2',
    projects: 'alpha',
    validityDays: '30',
  });
  t.equal(issued.status, 201, 'issued');
  t.match(issued.body, /<code class="secret" id="p12-password">[^<]+<\/code>/);
  const token = /name="token" value="([^"]+)"/.exec(issued.body)![1]!;
  const download = () => postForm(admin, '/_hic/admin/terminals/pc-201/bundle', { token });
  const first = await download();
  t.equal(first.status, 200);
  t.equal(first.headers['content-type'], 'application/x-pkcs12');
  t.equal(first.headers['content-disposition'], 'attachment; filename="pc-201.p12"');
  const second = await download();
  t.equal(second.status, 410);
  t.match(second.body, 'すでにダウンロードされたか');
  t.same(
    (await staffAction('ca.bundle-download')).map((l) => l.outcome),
    ['downloaded', 'refused'],
  );
  const register = await admin.fetch('/_hic/admin/terminals?expiring=30', { headers: html });
  t.match(register.body, '<a href="/_hic/admin/terminals/pc-201">pc-201</a>');
  const revoked = await submitForm(admin, '/_hic/admin/terminals/pc-201', '/_hic/admin/terminals/pc-201/revoke', {
    reason: 'keyCompromise',
    note: '紛失',
  });
  t.equal(revoked.status, 303);
  t.equal((await gw.gw.rt.stores.terminals.get('pc-201'))!.status, 'revoked');
  t.equal((await staffAction('ca.revoke')).at(-1)!.by, 'adm-ueda');
  const bogus = await postForm(admin, '/_hic/admin/terminals/pc-201/revoke', { reason: 'keyCompromise' });
  t.equal(bogus.status, 409, 'revoking twice is refused');
});
