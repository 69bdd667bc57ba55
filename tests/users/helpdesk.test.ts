import t from 'tap';
import type WebSocket from 'ws';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { wsOutcome } from '../helpers/client.js';

/** AUTH-5, AC-5, SES-3: helpdesk actions need a recorded identity check; resets need the user; roles are enforced. */
const pki = await makePki();
const gw = await startTestGateway({ pki, store: 'redis' });
t.teardown(() => gw.close());
const userCert = await pki.terminal('hd-user');
const staffCert = await pki.terminal('hd-staff');
await gw.addTerminal('hd-user', userCert);
await gw.addTerminal('hd-staff', staffCert, []);
const rt = gw.gw.rt;

async function staff(username: string, role: 'helpdesk' | 'admin' | 'security') {
  const creds = await gw.addUser(username, [role], null);
  const c = gw.client(staffCert);
  // Staff log in like analysts: password + TOTP + a registered (staff) terminal.
  if ((await gw.login(c, username, creds)) !== 201) throw new Error(`${role} could not log in`);
  gw.clock.advance(30_000);
  return c;
}
const helpdesk = await staff('hd1', 'helpdesk');
const admin = await staff('adm1', 'admin');
const security = await staff('sec1', 'security');
const ledger = { verifiedBy: 'hd1', method: 'video call', document: 'my-number card', reference: 'TCK-1' };

async function lock(username: string) {
  const account = (await rt.stores.accounts.get(username))!;
  await rt.stores.accounts.put({ ...account, lockedAt: gw.clock.now() });
}

t.test('unlock refuses to run without the ledger fields, then records them', async (t) => {
  const pia = await gw.addUser('pia');
  await lock('pia');
  const missing = await helpdesk.fetch('/_hic/api/users/pia/unlock', { method: 'POST', body: { verifiedBy: 'hd1' } });
  t.equal(missing.status, 400);
  t.match(missing.json().message, /method, document/);
  t.not((await rt.stores.accounts.get('pia'))!.lockedAt, null, 'still locked');
  const ok = await helpdesk.fetch('/_hic/api/users/pia/unlock', { method: 'POST', body: ledger });
  t.equal(ok.status, 200);
  const account = (await rt.stores.accounts.get('pia'))!;
  t.equal(account.lockedAt, null);
  t.equal(account.identityChecks?.[0]?.document, 'my-number card', 'ledger entry kept on the account');
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.event === 'identity-check' && l.user === 'pia' && l.method === 'video call' && l.by === 'hd1'),
    'ledger entry in the audit log',
  );
  t.equal(await gw.login(gw.client(userCert), 'pia', pia), 201);
  gw.clock.advance(30_000);
});

t.test("a reset cannot be completed by the helpdesk alone: it needs the user's own TOTP", async (t) => {
  const rio = await gw.addUser('rio');
  await lock('rio');
  const started = await helpdesk.fetch('/_hic/api/users/rio/reset', { method: 'POST', body: ledger });
  t.equal(started.status, 201);
  const { code, mode } = started.json();
  t.equal(mode, 'password');
  t.notOk('password' in started.json(), 'the helpdesk never sees a password');
  const anyone = gw.client(userCert);
  const alone = await anyone.fetch('/_hic/api/reset', { method: 'POST', body: { username: 'rio', code, next: 'Hd#Chosen9pw!' } });
  t.equal(alone.status, 422, 'code without TOTP: refused');
  const guessed = await anyone.fetch('/_hic/api/reset', {
    method: 'POST',
    body: { username: 'rio', code, totp: '000000', next: 'Hd#Chosen9pw!' },
  });
  t.equal(guessed.status, 422, 'code with a wrong TOTP: refused');
  const user = await anyone.fetch('/_hic/api/reset', {
    method: 'POST',
    body: { username: 'rio', code, totp: currentTotp(rio.totpSecret, gw.clock.now()), next: 'Kw7$own7Choice' },
  });
  t.equal(user.status, 200, "code + the user's TOTP + a password the user chose");
  gw.clock.advance(30_000);
  t.equal((await rt.stores.accounts.get('rio'))!.lockedAt, null, 'the reset lifts the lock');
  t.equal(await gw.login(gw.client(userCert), 'rio', { password: 'Kw7$own7Choice', totpSecret: rio.totpSecret }), 201);
  gw.clock.advance(30_000);
  const reuse = await anyone.fetch('/_hic/api/reset', {
    method: 'POST',
    body: { username: 'rio', code, totp: currentTotp(rio.totpSecret, gw.clock.now()), next: 'Another$9pass' },
  });
  t.equal(reuse.status, 422, 'the code is single-use');
});

t.test('lost authenticator: an administrator other than the helpdesk must approve; the user re-enrols', async (t) => {
  await gw.addUser('sae');
  const started = await helpdesk.fetch('/_hic/api/users/sae/reset', { method: 'POST', body: { ...ledger, lostAuthenticator: true } });
  t.equal(started.status, 201);
  const { code, needsApproval } = started.json();
  t.equal(needsApproval, true);
  const early = await gw
    .client(userCert)
    .fetch('/_hic/api/reset', { method: 'POST', body: { username: 'sae', code, next: 'Vx$new8Words2' } });
  t.equal(early.status, 422, 'no completion before the approval');
  const selfApprove = await helpdesk.fetch('/_hic/api/users/sae/reset/approve', { method: 'POST', body: {} });
  t.equal(selfApprove.status, 403, 'the helpdesk cannot approve (role)');
  const approve = await admin.fetch('/_hic/api/users/sae/reset/approve', { method: 'POST', body: {} });
  t.equal(approve.status, 200);
  const done = await gw
    .client(userCert)
    .fetch('/_hic/api/reset', { method: 'POST', body: { username: 'sae', code, next: 'Vx$new8Words2' } });
  t.equal(done.status, 200);
  t.equal(done.json().reenrol, true);
  const login = await gw
    .client(userCert)
    .fetch('/_hic/api/session', { method: 'POST', body: { username: 'sae', password: 'Vx$new8Words2' } });
  t.equal(login.status, 201);
  t.equal(login.json().restriction, 'totp-enrolment', 'must enrol a new authenticator before anything else');
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.event === 'staff-action-refused' && l.action === 'user.reset.approve' && l.by === 'hd1'),
    'the refused approval is audited',
  );
});

t.test('a staff action outside the role is refused and audited', async (t) => {
  const analyst = gw.client(userCert);
  const ana = await gw.addUser('taro');
  t.equal(await gw.login(analyst, 'taro', ana), 201);
  gw.clock.advance(30_000);
  t.equal((await analyst.fetch('/_hic/api/users/pia')).status, 403);
  t.equal((await helpdesk.fetch('/_hic/api/users/taro/suspend', { method: 'POST', body: { reason: 'x' } })).status, 403);
  t.equal(
    (await helpdesk.fetch('/_hic/api/users', { method: 'POST', body: { username: 'x1', roles: ['analyst'], project: 'alpha' } })).status,
    403,
  );
  const lines = await gw.auditLines();
  t.ok(lines.some((l) => l.event === 'staff-action-refused' && l.by === 'taro' && l.action === 'user.show'));
  t.ok(lines.some((l) => l.event === 'staff-action-refused' && l.by === 'hd1' && l.action === 'user.suspend'));
});

t.test('suspension by the security team ends sessions and WebSockets at once; resumption is separate', async (t) => {
  const uma = await gw.addUser('uma');
  const c = gw.client(userCert);
  t.equal(await gw.login(c, 'uma', uma), 201);
  gw.clock.advance(30_000);
  const { status, ws } = await wsOutcome(c.websocket('/echo'));
  t.equal(status, 101);
  const closed = new Promise<void>((r) => (ws as WebSocket).once('close', () => r()));
  const res = await security.fetch('/_hic/api/users/uma/suspend', { method: 'POST', body: { reason: 'suspicious login' } });
  t.equal(res.status, 200);
  t.equal(res.json().sessionsEnded, 1);
  await closed;
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 401, 'session gone');
  t.equal(await gw.login(gw.client(userCert), 'uma', uma), 401, 'no new login while suspended');
  gw.clock.advance(30_000);
  t.equal((await security.fetch('/_hic/api/users/uma/resume', { method: 'POST', body: { reason: 'cleared' } })).status, 200);
  t.equal(await gw.login(gw.client(userCert), 'uma', uma), 201);
  const shown = await helpdesk.fetch('/_hic/api/users/uma');
  t.equal(shown.json().status, 'active');
  t.notOk(JSON.stringify(shown.json()).includes('argon2'), 'no hash leaves the store');
});
