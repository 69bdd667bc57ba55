import { performance } from 'node:perf_hooks';
import t from 'tap';
import { passwordVerifications } from '../../gateway/accounts/password-hash.js';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { ManualClock } from '../../gateway/core/clock.js';
import { suspendUser } from '../../gateway/users/suspension.js';
import { startGatewayPair } from '../helpers/gateway.js';
import { makePki, type TestCert } from '../helpers/pki.js';
import type { TerminalClient } from '../helpers/client.js';

/**
 * Attack suite, login (AUTH-1, AUTH-4), over real TLS against two running gateways on one real Redis: user
 * enumeration by status, message and work done (timing is measured and reported, never asserted); the lockout race;
 * TOTP replay (sequential and racing) and brute force; password spraying from one terminal.
 */
const pki = await makePki();
const clock = new ManualClock(Date.parse('2026-11-27T02:00:00Z'));
const { a, b, close } = await startGatewayPair(pki, 'attack-login', clock);
t.teardown(close);
let terminals = 0;
/** A fresh registered terminal: each has its own throttle budget (tests/security/login-throttle.test.ts). */
async function terminal(): Promise<TestCert> {
  const id = `att-pc-${terminals++}`;
  const cert = await pki.terminal(id);
  await a.addTerminal(id, cert);
  return cert;
}
const GENERIC = { error: 'LOGIN_FAILED', message: 'The user ID, password or one-time code is incorrect.' };

async function apiLogin(c: TerminalClient, username: string, password: string, totp: string) {
  const r = await c.fetch('/_hic/api/session', { method: 'POST', body: { username, password, totp } });
  return { status: r.status, body: r.json(), setCookie: r.headers['set-cookie'] ?? null };
}

t.test('enumeration: every failure has the same status, body, headers and one password verification', async (t) => {
  const real = await a.addUser('enum-real');
  const locked = await a.addUser('enum-locked');
  const suspended = await a.addUser('enum-suspended');
  const rt = a.gw.rt;
  await rt.stores.accounts.put({ ...(await rt.stores.accounts.get('enum-locked'))!, lockedAt: clock.now() });
  await suspendUser(rt, 'enum-suspended', 'test', 'sec1');
  const c = a.client(await terminal());
  const cases: Array<[string, string, string, string]> = [
    ['unknown user', 'enum-nobody', real.password, '000000'],
    ['malformed user id', '<script>', real.password, '000000'],
    ['wrong password', 'enum-real', 'Wrong#Pass99', '000000'],
    ['right password, wrong code', 'enum-real', real.password, '000000'],
    ['locked account, right password and code', 'enum-locked', locked.password, currentTotp(locked.totpSecret, clock.now())],
  ];
  for (const [name, username, password, totp] of cases) {
    const before = passwordVerifications();
    const r = await apiLogin(c, username, password, totp);
    t.same(r, { status: 401, body: GENERIC, setCookie: null }, name);
    t.equal(passwordVerifications() - before, 1, `${name}: exactly one argon2 verification`);
  }
  const c2 = a.client(await terminal());
  const before = passwordVerifications();
  t.same(
    await apiLogin(c2, 'enum-suspended', suspended.password, currentTotp(suspended.totpSecret, clock.now())),
    { status: 401, body: GENERIC, setCookie: null },
    'suspended account',
  );
  t.equal(passwordVerifications() - before, 1, 'suspended: exactly one argon2 verification');

  // The browser form: byte-identical pages for an unknown user, a wrong password and a locked account.
  const f = a.client(await terminal());
  const page = await f.fetch('/_hic/login', { headers: { accept: 'text/html' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const post = (u: string, p: string) =>
    f.fetch('/_hic/login', { method: 'POST', body: `_csrf=${csrf}&username=${u}&password=${encodeURIComponent(p)}` });
  const unknown = await post('enum-nobody', 'x');
  const wrong = await post('enum-real', 'Wrong#Pass99');
  const lockedForm = await post('enum-locked', locked.password);
  t.same([unknown.status, wrong.status, lockedForm.status], [401, 401, 401]);
  // The page keeps the typed user id (a convenience, the same for every account): compare with it taken out.
  const plain = (body: string, user: string) => body.split(user).join('<user>');
  t.equal(plain(wrong.body, 'enum-real'), plain(unknown.body, 'enum-nobody'), 'wrong password page = unknown user page');
  t.equal(plain(lockedForm.body, 'enum-locked'), plain(unknown.body, 'enum-nobody'), 'locked account page = unknown user page');
});

t.test('timing: unknown user vs wrong password, measured over real TLS (reported, not asserted)', async (t) => {
  const users = await Promise.all(Array.from({ length: 16 }, (_, i) => a.addUser(`timing${i}`)));
  t.equal(users.length, 16);
  const clients = await Promise.all(Array.from({ length: 8 }, async () => a.client(await terminal())));
  const unknown: number[] = [];
  const wrong: number[] = [];
  for (let i = 0; i < 16; i++) {
    // Alternate the order so neither case always runs on a warmer process; four failures per terminal stay free.
    for (const kind of i % 2 ? (['u', 'w'] as const) : (['w', 'u'] as const)) {
      const c = clients[(2 * i + (kind === 'u' ? 0 : 1)) % 8]!;
      const start = performance.now();
      const r = await apiLogin(c, kind === 'u' ? `ghost${i}` : `timing${i}`, 'Wrong#Pass99', '000000');
      (kind === 'u' ? unknown : wrong).push(performance.now() - start);
      t.equal(r.status, 401);
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  t.comment(
    `login failure time over TLS, median of 16 (test argon2 cost): unknown user ${median(unknown).toFixed(2)} ms, wrong password ${median(wrong).toFixed(2)} ms`,
  );
});

t.test('lockout race: 20 parallel wrong passwords from 4 terminals on 2 instances lock exactly once', async (t) => {
  await a.addUser('racer');
  const certs = await Promise.all([0, 1, 2, 3].map(() => terminal()));
  const clients = certs.flatMap((cert) => [a.client(cert), b.client(cert)]);
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => apiLogin(clients[i % 8]!, 'racer', 'Wrong#Pass99', '000000')));
  t.ok(
    results.every((r) => r.status === 401 || r.status === 429),
    'all refused',
  );
  const lines = [...(await a.auditLines()), ...(await b.auditLines())];
  t.equal(lines.filter((l) => l.event === 'account-locked' && l.user === 'racer').length, 1, 'exactly one lockout');
  t.same(
    lines
      .filter((l) => l.user === 'racer' && l.reason === 'wrong-password')
      .map((l) => l.failures)
      .sort((x, y) => x - y),
    [1, 2, 3, 4, 5],
    'exactly five counted failures',
  );
});

t.test('TOTP replay: a code works once, also when two logins race on two instances', async (t) => {
  const user = await a.addUser('replayer');
  clock.advance(30_000);
  const code = currentTotp(user.totpSecret, clock.now());
  const first = a.client(await terminal());
  t.equal((await apiLogin(first, 'replayer', user.password, code)).status, 201);
  const again = await apiLogin(a.client(await terminal()), 'replayer', user.password, code);
  t.same(again, { status: 401, body: GENERIC, setCookie: null }, 'replayed code refused with the generic answer');

  clock.advance(30_000);
  const racing = currentTotp(user.totpSecret, clock.now());
  const cert = await terminal();
  const both = await Promise.all([
    apiLogin(a.client(cert), 'replayer', user.password, racing),
    apiLogin(b.client(cert), 'replayer', user.password, racing),
  ]);
  t.same(both.map((r) => r.status).sort(), [201, 401], 'exactly one of two racing logins with one code');
  const lines = [...(await a.auditLines()), ...(await b.auditLines())];
  t.equal(lines.filter((l) => l.user === 'replayer' && l.reason === 'totp-replayed').length, 2);
});

t.test('TOTP brute force: five wrong codes lock the account; the right code afterwards fails generically', async (t) => {
  const user = await a.addUser('guesser');
  const c = a.client(await terminal());
  for (let i = 0; i < 5; i++) t.equal((await apiLogin(c, 'guesser', user.password, String(100000 + i))).status, 401);
  clock.advance(1_000);
  const right = await apiLogin(c, 'guesser', user.password, currentTotp(user.totpSecret, clock.now()));
  t.same(right, { status: 401, body: GENERIC, setCookie: null });
  t.not((await a.gw.rt.stores.accounts.get('guesser'))!.lockedAt, null, 'locked: a 6-digit space cannot be searched 5 codes at a time');
  const lines = await a.auditLines();
  t.equal(lines.filter((l) => l.event === 'account-locked' && l.user === 'guesser' && l.stage === 'totp').length, 1);
});

t.test('spraying one password over 12 accounts from one terminal: 5 tried, then slowed; no account locked', async (t) => {
  const names = Array.from({ length: 12 }, (_, i) => `spray${i}`);
  for (const n of names) await a.addUser(n);
  const c = a.client(await terminal());
  const statuses: number[] = [];
  for (const n of names) statuses.push((await apiLogin(c, n, 'Spring2026!', '000000')).status);
  t.same(statuses, [401, 401, 401, 401, 401, ...Array(7).fill(429)]);
  for (const n of names) t.equal((await a.gw.rt.stores.accounts.get(n))!.lockedAt, null, `${n} not locked`);
});
