import { createHash } from 'node:crypto';
import t, { type Test } from 'tap';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { createAccount } from '../../gateway/admin/accounts.js';
import { validateConfig } from '../../gateway/config/load.js';
import { startReset } from '../../gateway/users/reset.js';
import { csrfOf, enrolSecretOf, submitForm } from '../helpers/forms.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/** Issue 13, item 5: the analyst's path through the gateway's own pages, over real TLS with real forms. */
const CONTACT = '内線 1234 / helpdesk@example.jp（平日 9:00–17:00）';
const pki = await makePki();
const gw = await startTestGateway({ pki, pages: { helpdeskContact: CONTACT } });
t.teardown(() => gw.close());
const cert = await pki.terminal('ap-1');
await gw.addTerminal('ap-1', cert);
const rt = gw.gw.rt;
const html = { accept: 'text/html' };

/** Every `<script>` of a page is a file from /_hic/static/ and the one `<style>` is the one the CSP hash allows. */
function assertStrictPage(t: Test, res: { headers: Record<string, unknown>; body: string }): void {
  const csp = String(res.headers['content-security-policy']);
  t.match(csp, /script-src 'self';/);
  t.notMatch(csp, /unsafe-inline/);
  for (const tag of res.body.match(/<script[^>]*>/g) ?? [])
    t.match(tag, /^<script src="\/_hic\/static\/[a-z-]+\.js" defer>$/, 'scripts are files only');
  const style = /<style>([\s\S]*?)<\/style>/.exec(res.body);
  t.ok(style, 'the stylesheet is inlined');
  const hash = createHash('sha256').update(style![1]!).digest('base64');
  t.ok(csp.includes(`'sha256-${hash}'`), 'the CSP allows exactly that stylesheet by its hash');
}

t.test('first login by forms: the same TOTP secret on every load until confirmed; a wrong code keeps the QR', async (t) => {
  const initial = (await createAccount(rt, { username: 'aiko', roles: ['analyst'], project: 'alpha', initial: true })).password;
  const c = gw.client(cert);
  const first = await submitForm(c, '/_hic/login', '/_hic/login', { username: 'aiko', password: initial, next: '' });
  t.equal(first.status, 303);
  t.equal(first.headers.location, '/_hic/password');
  const pwPage = await c.fetch('/_hic/password', { headers: html });
  t.match(
    pwPage.body,
    /<ul class="rules" aria-live="polite" data-for="next" data-confirm="confirm" data-user="aiko">/,
    'rule list wired for live feedback',
  );
  t.match(pwPage.body, /<script src="\/_hic\/static\/password-rules.js" defer><\/script>/);
  t.match(pwPage.body, /data-idle-ms="1200000"/, 'idle warning armed with the full 20 minutes');
  assertStrictPage(t, pwPage);
  const changed = await submitForm(c, '/_hic/password', '/_hic/password', {
    current: initial,
    next: 'Kx9#mQ2$vL7p',
    confirm: 'Kx9#mQ2$vL7p',
  });
  t.equal(changed.headers.location, '/_hic/enrol');

  const load1 = await c.fetch('/_hic/enrol', { headers: html });
  const secret = enrolSecretOf(load1.body);
  gw.clock.advance(30_000);
  const load2 = await c.fetch('/_hic/enrol', { headers: html });
  t.equal(enrolSecretOf(load2.body), secret, 'a reload shows the same secret (the phone entry keeps working)');
  const api = await c.fetch('/_hic/api/totp/enrolment', { method: 'POST', body: {} });
  t.equal(api.json().secret, secret, 'the API offers the same pending secret');
  const wrong = await submitForm(c, '/_hic/enrol', '/_hic/enrol', { code: '000000' });
  t.equal(wrong.status, 422);
  t.match(wrong.body, 'コードが正しくありません。もう一度お試しください。');
  t.equal(enrolSecretOf(wrong.body), secret, 'the wrong-code page still shows the same secret');
  t.match(wrong.body, /<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]{200,}" alt="認証アプリ登録用のQRコード"/, 'and its QR code');
  const ok = await submitForm(c, '/_hic/enrol', '/_hic/enrol', { code: currentTotp(secret, gw.clock.now()) });
  t.equal(ok.status, 303);
  t.equal(ok.headers.location, '/', 'an analyst lands in the workspace');
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 200);
  gw.clock.advance(16 * 60_000);
  t.equal(await rt.stores.ephemeral.get('enrol:user:aiko'), null, 'nothing pending once confirmed');
});

t.test('a pending secret expires after 15 minutes and a new one is offered', async (t) => {
  const initial = (await createAccount(rt, { username: 'bunta', roles: ['analyst'], project: 'alpha', initial: true })).password;
  const c = gw.client(cert);
  await submitForm(c, '/_hic/login', '/_hic/login', { username: 'bunta', password: initial, next: '' });
  await submitForm(c, '/_hic/password', '/_hic/password', { current: initial, next: 'Zq4!wE8#rT6y', confirm: 'Zq4!wE8#rT6y' });
  const before = enrolSecretOf((await c.fetch('/_hic/enrol', { headers: html })).body);
  // The ephemeral store's TTL runs on real time in the memory store too; drop the entry as its expiry would.
  await rt.stores.ephemeral.delete('enrol:user:bunta');
  await rt.stores.ephemeral.delete('enrol:user:bunta:claim');
  const after = enrolSecretOf((await c.fetch('/_hic/enrol', { headers: html })).body);
  t.not(after, before, 'expired: a fresh secret');
  t.equal(enrolSecretOf((await c.fetch('/_hic/enrol', { headers: html })).body), after, 'and that one stays');
});

t.test('a failed login keeps the user id; the hint is the same whatever the account', async (t) => {
  const creds = await gw.addUser('chika');
  await gw.addUser('daichi');
  const locked = (await rt.stores.accounts.get('daichi'))!;
  await rt.stores.accounts.put({ ...locked, lockedAt: gw.clock.now() });
  const c = gw.client(cert);
  const loginPage = await c.fetch('/_hic/login', { headers: html });
  t.match(loginPage.body, '<h2 id="hint-h">ログインできない場合</h2>');
  t.match(loginPage.body, `ヘルプデスク: <span id="helpdesk-contact">内線 1234 / helpdesk@example.jp（平日 9:00–17:00）</span>`);
  t.match(loginPage.body, '<a href="/_hic/reset">リセットコードをお持ちの方：パスワードの再設定</a>');
  assertStrictPage(t, loginPage);
  const answers = [];
  for (const [username, password] of [
    ['chika', 'wrong-password'],
    ['daichi', 'wrong-password'],
    ['nobody', 'wrong-password'],
    ['daichi', creds.password],
  ]) {
    const res = await submitForm(c, '/_hic/login', '/_hic/login', { username: username!, password: password!, next: '' });
    t.equal(res.status, 401, `${username}: one generic refusal`);
    t.match(res.body, `name="username" autocomplete="username" required value="${username}">`, 'the user id is kept');
    t.match(
      res.body,
      /id="password" name="password" autocomplete="current-password" required autofocus>/,
      'the focus goes to the password',
    );
    answers.push(res.body.replace(csrfOf(res.body), 'CSRF').replace(`value="${username}"`, 'value="USER"'));
  }
  t.equal(new Set(answers).size, 1, 'wrong password, locked account and unknown user get byte-identical pages');
  const en = await c.fetch('/_hic/login?lang=en', { headers: html });
  t.match(en.body, '<h2 id="hint-h">Cannot log in?</h2>');
  t.match(en.body, 'Helpdesk: <span id="helpdesk-contact">');
});

t.test('reset: a confirmation field, the rule list, and a success message that says what happened', async (t) => {
  const creds = await gw.addUser('emiko');
  const started = await startReset(rt, 'emiko', { verifiedBy: 'hd-1', method: 'video call', document: 'staff card' }, 'hd-1', {
    lostAuthenticator: false,
  });
  const c = gw.client(cert);
  const form = await c.fetch('/_hic/reset', { headers: html });
  t.match(form.body, '<input type="password" id="confirm" name="confirm" autocomplete="new-password" required>');
  t.match(form.body, '<ul class="rules" aria-live="polite" data-for="next" data-confirm="confirm" data-user-field="username">');
  for (const rule of ['length', 'letter', 'digit', 'symbol', 'user', 'match']) t.match(form.body, `<li data-rule="${rule}">`);
  const mismatch = await submitForm(c, '/_hic/reset', '/_hic/reset', {
    username: 'emiko',
    code: started.code,
    totp: currentTotp(creds.totpSecret, gw.clock.now()),
    next: 'Vb7$nM3@kP9z',
    confirm: 'Vb7$nM3@kP9x',
  });
  t.equal(mismatch.status, 422);
  t.match(mismatch.body, '確認用のパスワードが一致しません。');
  t.match(mismatch.body, 'value="emiko"', 'the user id is kept');
  const done = await submitForm(c, '/_hic/reset', '/_hic/reset', {
    username: 'emiko',
    code: started.code,
    totp: currentTotp(creds.totpSecret, gw.clock.now()),
    next: 'Vb7$nM3@kP9z',
    confirm: 'Vb7$nM3@kP9z',
  });
  t.equal(done.status, 303);
  t.equal(done.headers.location, '/_hic/login?reset=1');
  const after = await c.fetch('/_hic/login?reset=1', { headers: html });
  t.match(after.body, 'パスワードを再設定しました。新しいパスワードでログインしてください。');
  t.notMatch(after.body, 'ログアウトしました');
});

t.test('idle: the remaining time is asked without moving the clock; "Continue" moves it', async (t) => {
  const creds = await gw.addUser('fuka');
  const c = gw.client(cert);
  gw.clock.advance(60_000);
  t.equal(await gw.login(c, 'fuka', creds), 201);
  t.same((await c.fetch('/_hic/api/session/idle')).json(), { idleMs: 1_200_000 });
  gw.clock.advance(18 * 60_000);
  t.same((await c.fetch('/_hic/api/session/idle')).json(), { idleMs: 120_000 }, 'two minutes left: the warning time');
  gw.clock.advance(30_000);
  t.same((await c.fetch('/_hic/api/session/idle')).json(), { idleMs: 90_000 }, 'asking did not count as activity');
  t.same(
    (await c.fetch('/_hic/api/session/activity', { method: 'POST', body: {} })).json(),
    { idleMs: 1_200_000 },
    'Continue is an operation',
  );
  gw.clock.advance(20 * 60_000);
  const gone = await c.fetch('/_hic/api/session/idle');
  t.equal(gone.status, 401, 'after 20 idle minutes the session is over');
  const js = await c.fetch('/_hic/static/idle.js');
  t.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
  t.match(js.body, "fetch(path, { method: method, credentials: 'same-origin'");
  t.equal((await c.fetch('/_hic/static/password-rules.js')).status, 200);
});

t.test('the certificate-less 403 page is styled (inlined stylesheet allowed by its hash)', async (t) => {
  const res = await gw.client().fetch('/_hic/login', { headers: html });
  t.equal(res.status, 403);
  t.match(res.body, '<h1>アクセスできません</h1>');
  t.match(res.body, /<style>body\{font-family:/);
  assertStrictPage(t, res);
});

t.test('pages.helpdeskContact is validated by the schema', async (t) => {
  const base = {
    server: { port: 0 },
    tls: { certFile: 'c', keyFile: 'k', caFile: 'a' },
    store: { kind: 'memory', allowMemory: true },
    audit: { dir: '/tmp/x' },
    projects: [{ id: 'p', upstream: 'http://x', networks: ['10.0.0.0/8'] }],
  };
  const noFiles = { checkFiles: false };
  const problemsOf = (pages: Record<string, unknown>): string[] => {
    try {
      validateConfig({ ...base, pages }, noFiles);
      return [];
    } catch (err) {
      return (err as { problems: string[] }).problems;
    }
  };
  t.same(
    problemsOf({ helpdeskContact: '<a href=x>call</a>' }),
    ['pages.helpdeskContact: must match pattern "^[^<>]*$"'],
    'markup in the contact is refused, by key',
  );
  t.same(problemsOf({ helpdeskContact: CONTACT, timezone: 'Mars/Base' }), [
    'pages.timezone: unknown time zone "Mars/Base" (e.g. Asia/Tokyo)',
  ]);
  t.equal(
    validateConfig({ ...base, pages: { helpdeskContact: CONTACT } }, noFiles).pages.timezone,
    'Asia/Tokyo',
    'zone defaults to Asia/Tokyo',
  );
});
