import t from 'tap';
import { describePassword } from '../../gateway/accounts/password-expiry.js';
import { hashPassword, TEST_COST } from '../../gateway/accounts/password-hash.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/** AUTH-3: passwords expire after 60 days, except 13+ characters mixing letters, digits and symbols (never). */
const pki = await makePki();
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());
const cert = await pki.terminal('ex-1', { notAfter: new Date(Date.now() + 3 * 365 * 86_400_000) });
await gw.addTerminal('ex-1', cert);
const rt = gw.gw.rt;
const DAY = 86_400_000;

async function withPassword(username: string, password: string) {
  const creds = await gw.addUser(username);
  const account = (await rt.stores.accounts.get(username))!;
  account.passwordHash = await hashPassword(password, TEST_COST);
  account.passwordMeta = { changedAt: gw.clock.now(), ...describePassword(password), initial: false };
  await rt.stores.accounts.put(account);
  return { password, totpSecret: creds.totpSecret };
}

async function restrictionAfterLogin(username: string, creds: { password: string; totpSecret: string }) {
  const c = gw.client(cert);
  const res = await c.fetch('/_hic/api/session', {
    method: 'POST',
    body: {
      username,
      password: creds.password,
      totp: (await import('../../gateway/accounts/totp.js')).currentTotp(creds.totpSecret, gw.clock.now()),
    },
  });
  gw.clock.advance(30_000);
  return { status: res.status, restriction: res.json().restriction as string | undefined };
}

t.test('an 8-12 character password: fine at day 59, expired just after day 60', async (t) => {
  const start = gw.clock.now();
  const short = await withPassword('hana', 'Tq4!mZ8#pL');
  gw.clock.set(start + 59 * DAY);
  t.same(await restrictionAfterLogin('hana', short), { status: 201, restriction: undefined }, 'day 59: full session');
  gw.clock.set(start + 60 * DAY + 1);
  t.same(
    await restrictionAfterLogin('hana', short),
    { status: 201, restriction: 'password-change' },
    'day 60 + 1 ms: only the change page',
  );
});

t.test('13+ characters mixing letters, digits and symbols never expire', async (t) => {
  const start = gw.clock.now();
  const long = await withPassword('isao', 'Tq4!mZ8#pLw2@x');
  gw.clock.set(start + 400 * DAY);
  t.same(await restrictionAfterLogin('isao', long), { status: 201, restriction: undefined }, 'day 400: still fine');
});

t.test('13+ characters without a symbol do expire', async (t) => {
  const start = gw.clock.now();
  const noSymbol = await withPassword('jun', 'Tq4mZ8pLw2x9Kd');
  gw.clock.set(start + 61 * DAY);
  t.equal((await restrictionAfterLogin('jun', noSymbol)).restriction, 'password-change');
});

t.test('none of the last 5 passwords may be reused; the 6th back may', async (t) => {
  const creds = await withPassword('kei', 'Start#Pw2!xyz');
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'kei', creds), 201);
  gw.clock.advance(30_000);
  const history = ['Start#Pw2!xyz', 'Hv5$nR8@kLq1', 'Wp3%tY6&zMe4', 'Bx7*gU2^cNs9', 'Fj4#dK9!qRv2', 'Lm8@sP3$wTa6'];
  for (let i = 1; i < history.length; i++) {
    const r = await c.fetch('/_hic/api/password', { method: 'POST', body: { current: history[i - 1], next: history[i] } });
    t.equal(r.status, 200, `change ${i}`);
  }
  const reuse = await c.fetch('/_hic/api/password', { method: 'POST', body: { current: history[5], next: history[2] } });
  t.equal(reuse.status, 422);
  t.equal(reuse.json().rule, 'reused');
  const sixthBack = await c.fetch('/_hic/api/password', { method: 'POST', body: { current: history[5], next: history[0] } });
  t.equal(sixthBack.status, 200, 'older than the last 5: allowed');
});

t.test("usage period: login and requests only inside the project's dates (AC-3)", async (t) => {
  const creds = await gw.addUser('lena');
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'lena', creds), 201);
  gw.clock.advance(30_000);
  const project = (await rt.stores.projects.get('alpha'))!;
  const endsAt = gw.clock.now() + 60_000;
  await rt.stores.projects.put({ ...project, endsAt });
  await rt.stores.events.publish({ type: 'project-changed', project: 'alpha' });
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 200, 'before the end');
  gw.clock.set(endsAt - 1);
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 200, '1 ms before the end');
  gw.clock.set(endsAt);
  const after = await c.fetch('/', { headers: { accept: 'application/json' } });
  t.equal(after.status, 403, 'at the end: refused');
  t.equal(await gw.login(gw.client(cert), 'lena', creds), 401, 'and no new login');
  await rt.stores.projects.put({ ...project, startsAt: gw.clock.now() + 60_000, endsAt: null });
  await rt.stores.events.publish({ type: 'project-changed', project: 'alpha' });
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  t.equal(await gw.login(gw.client(cert), 'lena', creds), 401, 'before the start: refused');
  gw.clock.advance(60_000);
  t.equal(await gw.login(gw.client(cert), 'lena', creds), 201, 'from the start: allowed');
  await rt.stores.projects.put(project);
  await rt.stores.events.publish({ type: 'project-changed', project: 'alpha' });
});
