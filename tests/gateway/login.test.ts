import t from 'tap';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/** AUTH-1, SES-1, AC-2: password + TOTP, sessions bound to the terminal, idle expiry on an injected clock. */
const pki = await makePki();
const gw = await startTestGateway({ pki, store: 'redis' });
t.teardown(() => gw.close());

let seq = 0;
/**
 * Each test has its own account and terminal, so none depends on what an earlier one did: the TOTP replay guard is
 * per account and time step, the failure counters and the login throttle are per account and per terminal.
 */
async function fixture() {
  seq += 1;
  const terminal = await pki.terminal(`login-term-${seq}`);
  await gw.addTerminal(`login-term-${seq}`, terminal);
  const username = `login.user${seq}`;
  const creds = await gw.addUser(username);
  return { terminal, username, creds, client: gw.client(terminal) };
}

t.test('API login with a TOTP computed from the secret: 201, __Host- cookie, workspace reachable', async (t) => {
  const { client: c, username, creds } = await fixture();
  t.equal(await gw.login(c, username, creds), 201);
  const res = await c.fetch('/_hic/api/session');
  t.equal(res.json().user, username);
  const home = await c.fetch('/', { headers: { accept: 'text/html' } });
  t.equal(home.status, 200);
  t.match(home.body, `<b id="user">${username}</b>`, 'upstream got X-HIC-User from the gateway');
});

t.test('the session cookie is __Host-, Secure, HttpOnly, SameSite=Strict', async (t) => {
  const { client: c, username, creds } = await fixture();
  const res = await c.fetch('/_hic/api/session', {
    method: 'POST',
    body: { username, password: creds.password, totp: currentTotp(creds.totpSecret, gw.clock.now()) },
  });
  t.equal(res.status, 201);
  const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('__Host-hic-session='))!;
  t.match(cookie, /; Path=\//);
  t.match(cookie, /; Secure/);
  t.match(cookie, /; HttpOnly/);
  t.match(cookie, /; SameSite=Strict/);
  t.notMatch(cookie, /Domain=/i);
});

t.test('wrong password and wrong code get the same generic 401', async (t) => {
  const { client: c, username, creds } = await fixture();
  const wrongPw = await c.fetch('/_hic/api/session', {
    method: 'POST',
    body: { username, password: 'nope-Nope-1!', totp: currentTotp(creds.totpSecret, gw.clock.now()) },
  });
  const wrongCode = await c.fetch('/_hic/api/session', {
    method: 'POST',
    body: { username, password: creds.password, totp: '000000' },
  });
  const unknown = await c.fetch('/_hic/api/session', { method: 'POST', body: { username: 'nobody', password: 'x', totp: '123456' } });
  t.equal(wrongPw.status, 401);
  t.equal(wrongCode.status, 401);
  t.equal(unknown.status, 401);
  t.same(wrongPw.json(), wrongCode.json(), 'same message for password and code failures');
  t.same(wrongPw.json(), unknown.json(), 'same message for unknown users (no enumeration)');
  t.equal(c.cookies.has('__Host-hic-session'), false);
});

t.test('a TOTP code is accepted once only', async (t) => {
  const { client: c, username, creds } = await fixture();
  const code = currentTotp(creds.totpSecret, gw.clock.now());
  const first = await c.fetch('/_hic/api/session', { method: 'POST', body: { username, password: creds.password, totp: code } });
  const replay = await c.fetch('/_hic/api/session', { method: 'POST', body: { username, password: creds.password, totp: code } });
  t.equal(first.status, 201);
  t.equal(replay.status, 401);
});

t.test('the JSON login refuses form content types (CSRF defence)', async (t) => {
  const { client: c } = await fixture();
  for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
    const res = await c.fetch('/_hic/api/session', { method: 'POST', headers: { 'content-type': type }, body: 'username=alice' });
    t.equal(res.status, 415, type);
    t.equal(res.json().error, 'UNSUPPORTED_MEDIA_TYPE');
  }
  const bad = await c.fetch('/_hic/api/session', { method: 'POST', body: { username: 'alice' } });
  t.equal(bad.status, 400, 'missing fields: precise 400');
  t.notMatch(bad.body, /\.ts:\d+/, 'no stack trace');
});

t.test('a session cookie replayed over another terminal certificate is refused', async (t) => {
  const { client: owner, username, creds } = await fixture();
  t.equal(await gw.login(owner, username, creds), 201);
  const thief = (await fixture()).client;
  const res = await thief.fetch('/', { headers: { cookie: owner.cookieHeader(), accept: 'application/json' } });
  t.equal(res.status, 403);
  t.equal(res.json().reason, 'session-terminal-mismatch');
  t.equal((await owner.fetch('/api/status', { headers: { accept: 'application/json' } })).status, 200, 'the owner is unaffected');
});

t.test('idle for 20 minutes: logged out; activity before that keeps the session', async (t) => {
  const { client: c, username, creds } = await fixture();
  t.equal(await gw.login(c, username, creds), 201);
  gw.clock.advance(19 * 60_000);
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 200, '19 minutes: still in');
  gw.clock.advance(19 * 60_000);
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 200, 'activity moved the idle clock');
  // Background polling does not count as operation (SES-1).
  gw.clock.advance(10 * 60_000);
  t.equal((await c.fetch('/api/status', { headers: { accept: 'application/json' } })).status, 200, 'polling allowed');
  gw.clock.advance(10 * 60_000 + 1);
  const res = await c.fetch('/', { headers: { accept: 'text/html' } });
  t.equal(res.status, 302, '20 minutes after the last operation: out, despite the polling');
  t.match(res.headers.location as string, /^\/_hic\/login\?next=%2F&idle=1/);
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 401, 'and the session is gone');
});

t.test('absolute lifetime ends a busy session too', async (t) => {
  const { client: c, username, creds } = await fixture();
  t.equal(await gw.login(c, username, creds), 201);
  for (let i = 0; i < 40; i++) {
    gw.clock.advance(18 * 60_000);
    await c.fetch('/', { headers: { accept: 'application/json' } });
  }
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 401, '12 hours later: out');
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.kind === 'access' && l.user === null && l.reason === 'session-lifetime-expired'),
    "the refusal is recorded as 'session-lifetime-expired'",
  );
});

t.test('logout ends the session; the cookie no longer works', async (t) => {
  const { client: c, username, creds } = await fixture();
  t.equal(await gw.login(c, username, creds), 201);
  const cookie = c.cookieHeader();
  t.equal((await c.fetch('/_hic/api/session', { method: 'DELETE' })).status, 204);
  const res = await c.fetch('/', { headers: { cookie, accept: 'application/json' } });
  t.equal(res.status, 401);
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.kind === 'access' && l.reason === 'session-invalid'),
    "a cookie of an ended session is 'session-invalid'",
  );
});

t.test('browser form login: password page, TOTP page, CSRF enforced, redirect to next', async (t) => {
  const { client: c, terminal, username, creds } = await fixture();
  const redirect = await c.fetch('/notebooks/x', { headers: { accept: 'text/html' } });
  t.equal(redirect.status, 302);
  t.equal(redirect.headers.location, '/_hic/login?next=%2Fnotebooks%2Fx');
  const form = await c.fetch('/_hic/login?next=%2Fnotebooks%2Fx', { headers: { accept: 'text/html' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const noCsrf = await c.fetch('/_hic/login', {
    method: 'POST',
    body: `username=${username}&password=${encodeURIComponent(creds.password)}`,
  });
  t.equal(noCsrf.status, 403, 'no CSRF token: refused');
  const step1 = await c.fetch('/_hic/login', {
    method: 'POST',
    body: `_csrf=${csrf}&next=%2Fnotebooks%2Fx&username=${username}&password=${encodeURIComponent(creds.password)}`,
  });
  t.equal(step1.status, 303);
  t.equal(step1.headers.location, '/_hic/login/totp');
  const step2 = await c.fetch('/_hic/login/totp', {
    method: 'POST',
    body: `_csrf=${csrf}&code=${currentTotp(creds.totpSecret, gw.clock.now())}`,
  });
  t.equal(step2.status, 303);
  t.equal(step2.headers.location, '/notebooks/x');
  t.ok(c.cookies.has('__Host-hic-session'));
  const wrong = gw.client(terminal);
  const f2 = await wrong.fetch('/_hic/login', { headers: { accept: 'text/html' } });
  const csrf2 = /name="_csrf" value="([^"]+)"/.exec(f2.body)![1]!;
  const bad = await wrong.fetch('/_hic/login', { method: 'POST', body: `_csrf=${csrf2}&username=${username}&password=wrong` });
  t.equal(bad.status, 401);
  t.match(bad.body, /ユーザーID、パスワードまたはコードが正しくありません/);
  t.equal((await c.fetch('/_hic/login?lang=en', { headers: { accept: 'text/html' } })).body.includes('Log in'), true, 'English on request');
});
