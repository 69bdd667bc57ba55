import t from 'tap';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { createAccount } from '../../gateway/admin/accounts.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/** AUTH-2: the issued password works once, only to reach the forced change and the authenticator enrolment. */
const pki = await makePki();
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());
const cert = await pki.terminal('fl-1');
await gw.addTerminal('fl-1', cert);
const rt = gw.gw.rt;

async function issue(username: string) {
  return (await createAccount(rt, { username, roles: ['analyst'], project: 'alpha', initial: true })).password;
}

t.test('first login: change password, enrol TOTP, then the workspace', async (t) => {
  const initial = await issue('dana');
  const c = gw.client(cert);
  const login = await c.fetch('/_hic/api/session', { method: 'POST', body: { username: 'dana', password: initial } });
  t.equal(login.status, 201);
  t.equal(login.json().restriction, 'password-change');
  const blocked = await c.fetch('/', { headers: { accept: 'application/json' } });
  t.equal(blocked.status, 403, 'nothing else is reachable');
  t.equal(blocked.json().reason, 'password-change-required');
  const page = await c.fetch('/notebooks', { headers: { accept: 'text/html' } });
  t.equal(page.status, 302);
  t.equal(page.headers.location, '/_hic/password');
  t.equal((await c.fetch('/_hic/api/users/dana')).status, 403, 'no staff API either');

  const weak = await c.fetch('/_hic/api/password', { method: 'POST', body: { current: initial, next: 'short1!' } });
  t.equal(weak.status, 422);
  t.equal(weak.json().rule, 'too-short', 'the JSON error names the rule');
  const withId = await c.fetch('/_hic/api/password', { method: 'POST', body: { current: initial, next: 'dana-Is-7-Great!' } });
  t.equal(withId.json().rule, 'contains-username');
  const common = await c.fetch('/_hic/api/password', { method: 'POST', body: { current: initial, next: 'Password123!' } });
  t.equal(common.json().rule, 'too-common');
  const wrongCurrent = await c.fetch('/_hic/api/password', { method: 'POST', body: { current: 'nope', next: 'Kx9#mQ2$vL7p' } });
  t.equal(wrongCurrent.json().rule, 'current-incorrect');
  const ok = await c.fetch('/_hic/api/password', { method: 'POST', body: { current: initial, next: 'Kx9#mQ2$vL7p' } });
  t.equal(ok.status, 200);
  t.equal(ok.json().restriction, 'totp-enrolment', 'next: the authenticator');
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 403, 'still restricted');

  const offer = await c.fetch('/_hic/api/totp/enrolment', { method: 'POST', body: {} });
  t.equal(offer.status, 200);
  const { secret, uri } = offer.json();
  t.match(uri, /^otpauth:\/\/totp\/HIC%20Gateway:dana\?secret=/);
  const wrong = await c.fetch('/_hic/api/totp/enrolment/confirm', { method: 'POST', body: { code: '000000' } });
  t.equal(wrong.status, 422, 'the secret counts only after a correct code');
  t.equal((await rt.stores.accounts.get('dana'))!.totpEnrolled, false);
  const confirm = await c.fetch('/_hic/api/totp/enrolment/confirm', {
    method: 'POST',
    body: { code: currentTotp(secret, gw.clock.now()) },
  });
  t.equal(confirm.status, 201);
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 200, 'full session now');
  const stored = (await rt.stores.accounts.get('dana'))!;
  t.equal(stored.totpEnrolled, true);
  t.not(stored.totpSecretSealed, secret, 'the secret is sealed at rest');

  gw.clock.advance(60_000);
  const again = gw.client(cert);
  t.equal(
    await gw.login(again, 'dana', { password: 'Kx9#mQ2$vL7p', totpSecret: secret }),
    201,
    'normal login with the new password and TOTP',
  );
});

t.test('the initial password works once only', async (t) => {
  const initial = await issue('emi');
  const c = gw.client(cert);
  t.equal((await c.fetch('/_hic/api/session', { method: 'POST', body: { username: 'emi', password: initial } })).status, 201);
  const second = await gw.client(cert).fetch('/_hic/api/session', { method: 'POST', body: { username: 'emi', password: initial } });
  t.equal(second.status, 401);
  const lines = await gw.auditLines();
  t.ok(lines.some((l) => l.event === 'login-failed' && l.user === 'emi' && l.reason === 'initial-password-used'));
});

t.test('an unused initial password expires after 14 days', async (t) => {
  const initial = await issue('fumi');
  gw.clock.advance(14 * 86_400_000 + 1);
  const res = await gw.client(cert).fetch('/_hic/api/session', { method: 'POST', body: { username: 'fumi', password: initial } });
  t.equal(res.status, 401);
  const lines = await gw.auditLines();
  t.ok(lines.some((l) => l.event === 'login-failed' && l.user === 'fumi' && l.reason === 'initial-password-expired'));
});

t.test('browser first login lands on the change-password page (CSRF-protected form)', async (t) => {
  const initial = await issue('gen');
  const c = gw.client(cert);
  const form = await c.fetch('/_hic/login', { headers: { accept: 'text/html' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const step = await c.fetch('/_hic/login', { method: 'POST', body: `_csrf=${csrf}&username=gen&password=${encodeURIComponent(initial)}` });
  t.equal(step.status, 303);
  t.equal(step.headers.location, '/_hic/password');
  const page = await c.fetch('/_hic/password', { headers: { accept: 'text/html' } });
  t.equal(page.status, 200);
  t.match(page.body, /パスワードの変更が必要です/);
  const change = await c.fetch('/_hic/password', {
    method: 'POST',
    body: `_csrf=${csrf}&current=${encodeURIComponent(initial)}&next=Zq7%25rT4!wN8x&confirm=Zq7%25rT4!wN8x`,
  });
  t.equal(change.status, 303);
  t.equal(change.headers.location, '/_hic/enrol');
  const enrol = await c.fetch('/_hic/enrol', { headers: { accept: 'text/html' } });
  t.match(enrol.body, /<img src="data:image\/svg\+xml;base64,/, 'QR code as an image (no script)');
  t.notMatch(
    enrol.body,
    /<script(?! src="\/_hic\/static\/idle\.js" defer><\/script>)/,
    'no inline script: only the idle warning file (issue 13)',
  );
});
