import t from 'tap';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { newSessionToken } from '../../gateway/sessions/tokens.js';
import { resumeUser, suspendUser } from '../../gateway/users/suspension.js';
import { startTestGateway } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';
import type { TerminalClient } from '../helpers/client.js';

/**
 * Attack suite, sessions (SES-1, SES-3, AC-2), over real TLS against a running gateway with a Redis store: forged,
 * garbled and replayed cookies, fixation, and reuse after logout, idle expiry, lifetime and suspension.
 */
const pki = await makePki();
const gw = await startTestGateway({ pki, store: 'redis' });
t.teardown(() => gw.close());
const own = await pki.terminal('own-pc');
const other = await pki.terminal('other-pc');
await gw.addTerminal('own-pc', own);
await gw.addTerminal('other-pc', other);
const alice = await gw.addUser('alice');
const COOKIE = '__Host-hic-session';
const NOT_AUTHENTICATED = { error: 'NOT_AUTHENTICATED', message: 'Login is required.' };

async function loggedIn(): Promise<{ c: TerminalClient; token: string }> {
  gw.clock.advance(30_000);
  const c = gw.client(own);
  t.equal(await gw.login(c, 'alice', alice), 201);
  return { c, token: c.cookies.get(COOKIE)! };
}

async function workspace(c: TerminalClient, cookie: string): Promise<{ status: number; body: any }> {
  const r = await c.fetch('/', { headers: { cookie, accept: 'application/json' } });
  return { status: r.status, body: r.status === 200 ? null : r.json() };
}

t.test('forged and garbled session cookies: 401 with the plain message, never a 500', async (t) => {
  const c = gw.client(own);
  const cases: Array<[string, string]> = [
    ['forged, well-formed', `${COOKIE}=${newSessionToken()}`],
    ['empty', `${COOKIE}=`],
    ['short', `${COOKIE}=abc`],
    ['one character too long', `${COOKIE}=${newSessionToken()}x`],
    ['4 KB', `${COOKIE}=${'A'.repeat(4096)}`],
    ['non-ASCII', `${COOKIE}=${encodeURIComponent('セッション')}`],
    ['percent-encoded NUL', `${COOKIE}=%00${newSessionToken().slice(3)}`],
    ['quoted', `${COOKIE}="${newSessionToken()}"`],
    ['name as a suffix of another cookie', `x${COOKIE}=${newSessionToken()}`],
    ['the SHA-256 session id (what the store and logs know) instead of the token', `${COOKIE}=${'a'.repeat(64)}`],
  ];
  for (const [name, cookie] of cases) {
    const r = await workspace(c, cookie);
    t.same(r, { status: 401, body: NOT_AUTHENTICATED }, name);
  }
});

t.test('a live session id from the audit log is not a cookie', async (t) => {
  const { c } = await loggedIn();
  const lines = await gw.auditLines();
  const id = lines.filter((l) => l.event === 'login-success' && l.user === 'alice').at(-1)!.session as string;
  t.match(id, /^[0-9a-f]{64}$/);
  t.same(await workspace(c, `${COOKIE}=${id}`), { status: 401, body: NOT_AUTHENTICATED });
});

t.test('a duplicated cookie name: the first one counts, a valid second one does not rescue garbage', async (t) => {
  const { c, token } = await loggedIn();
  t.equal((await workspace(c, `${COOKIE}=${token}`)).status, 200);
  t.equal((await workspace(c, `${COOKIE}=${newSessionToken()}; ${COOKIE}=${token}`)).status, 401);
  t.equal((await workspace(c, `${COOKIE}=${token}; ${COOKIE}=garbage`)).status, 200);
});

t.test("another terminal's cookie: 403 session-terminal-mismatch, audited; the owner keeps working", async (t) => {
  const { c, token } = await loggedIn();
  const thief = gw.client(other);
  const r = await workspace(thief, `${COOKIE}=${token}`);
  t.equal(r.status, 403);
  t.equal(r.body.error, 'FORBIDDEN');
  t.equal(r.body.reason, 'session-terminal-mismatch');
  t.equal((await workspace(c, `${COOKIE}=${token}`)).status, 200, 'the owner is unaffected');
  const lines = await gw.auditLines();
  t.ok(lines.some((l) => l.event === 'session-terminal-mismatch' && l.user === 'alice' && l.terminal === other.fingerprint));
});

t.test('fixation: a cookie planted before login is never adopted; login issues a fresh one', async (t) => {
  const planted = newSessionToken();
  const c = gw.client(own);
  c.cookies.set(COOKIE, planted);
  gw.clock.advance(30_000);
  t.equal(await gw.login(c, 'alice', alice), 201);
  const issued = c.cookies.get(COOKIE)!;
  t.not(issued, planted, 'a new token was set');
  t.equal((await workspace(c, `${COOKIE}=${issued}`)).status, 200);
  t.equal((await workspace(c, `${COOKIE}=${planted}`)).status, 401, 'the planted one stays worthless');

  // The browser flow too: the session after the TOTP step is a new one, not the login transaction's cookie.
  const b = gw.client(own);
  b.cookies.set(COOKIE, planted);
  const form = await b.fetch('/_hic/login', { headers: { accept: 'text/html' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  gw.clock.advance(30_000);
  await b.fetch('/_hic/login', { method: 'POST', body: `_csrf=${csrf}&username=alice&password=${encodeURIComponent(alice.password)}` });
  const done = await b.fetch('/_hic/login/totp', {
    method: 'POST',
    body: `_csrf=${csrf}&code=${currentTotp(alice.totpSecret, gw.clock.now())}`,
  });
  t.equal(done.status, 303);
  t.not(b.cookies.get(COOKIE), planted);
  t.not(b.cookies.get(COOKIE), b.cookies.get('__Host-hic-login'), 'the session token is not the login transaction id');
});

t.test('reuse after logout, after a new login, after idle expiry and after the absolute lifetime: 401', async (t) => {
  const first = await loggedIn();
  t.equal((await first.c.fetch('/_hic/api/session', { method: 'DELETE' })).status, 204);
  t.same(await workspace(first.c, `${COOKIE}=${first.token}`), { status: 401, body: NOT_AUTHENTICATED }, 'after logout');

  const idle = await loggedIn();
  gw.clock.advance(20 * 60_000 + 1);
  t.same(await workspace(idle.c, `${COOKIE}=${idle.token}`), { status: 401, body: NOT_AUTHENTICATED }, 'after 20 idle minutes');
  gw.clock.advance(-20 * 60_000); // the clock going back does not revive it
  t.equal((await workspace(idle.c, `${COOKIE}=${idle.token}`)).status, 401, 'an ended session stays ended');
  gw.clock.advance(20 * 60_000);

  const busy = await loggedIn();
  for (let i = 0; i < 40; i++) {
    gw.clock.advance(18 * 60_000);
    await workspace(busy.c, `${COOKIE}=${busy.token}`);
  }
  t.equal((await workspace(busy.c, `${COOKIE}=${busy.token}`)).status, 401, 'after 12 hours of activity');
});

t.test('reuse after suspension: 401 at once, and still 401 after the account is resumed', async (t) => {
  const { c, token } = await loggedIn();
  const rt = gw.gw.rt;
  await suspendUser(rt, 'alice', 'investigation', 'sec1');
  t.same(await workspace(c, `${COOKIE}=${token}`), { status: 401, body: NOT_AUTHENTICATED }, 'suspended');
  gw.clock.advance(30_000);
  t.equal(await gw.login(gw.client(own), 'alice', alice), 401, 'no new login while suspended');
  await resumeUser(rt, 'alice', 'cleared', 'sec1');
  t.equal((await workspace(c, `${COOKIE}=${token}`)).status, 401, 'the old session does not come back with the account');
});

t.test('two analysts on one terminal (AUTH-7): each gets a session of their own, and logging one out leaves the other', async (t) => {
  const bea = await gw.addUser('bea');
  const first = await loggedIn();
  gw.clock.advance(30_000);
  const second = gw.client(own);
  t.equal(await gw.login(second, 'bea', bea), 201);
  t.equal((await first.c.fetch('/_hic/api/session')).json().user, 'alice');
  t.equal((await second.fetch('/_hic/api/session')).json().user, 'bea');
  t.not(second.cookies.get(COOKIE), first.token);
  t.equal((await second.fetch('/_hic/api/session', { method: 'DELETE' })).status, 204);
  t.equal((await first.c.fetch('/_hic/api/session')).status, 200, 'alice is still logged in');
});
