import t from 'tap';
import type WebSocket from 'ws';
import { suspendUser } from '../../gateway/users/suspension.js';
import { wsOutcome, type TerminalClient } from '../helpers/client.js';
import { startTestGateway } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';

/**
 * Attack suite, roles (AC-5) and WebSocket (SES-3), over real TLS against a running gateway: an analyst calls every
 * staff endpoint, a helpdesk account tries to read the logs; upgrades without a session, from a foreign Origin, and
 * a socket held open across a suspension.
 */
const pki = await makePki();
const gw = await startTestGateway({ pki, store: 'redis' });
t.teardown(() => gw.close());
const analystPc = await pki.terminal('an-pc');
const staffPc = await pki.terminal('staff-pc');
await gw.addTerminal('an-pc', analystPc);
await gw.addTerminal('staff-pc', staffPc, []);
const analyst = await gw.addUser('ana');
const victim = await gw.addUser('victim');
const helpdesk = await gw.addUser('hd1', ['helpdesk'], null);

async function session(cert: typeof analystPc, user: string, creds: { password: string; totpSecret: string }): Promise<TerminalClient> {
  gw.clock.advance(30_000);
  const c = gw.client(cert);
  if ((await gw.login(c, user, creds)) !== 201) throw new Error(`${user} could not log in`);
  return c;
}

/** Every staff endpoint with a body its schema accepts, so that only the role can refuse it. */
const STAFF_ENDPOINTS: Array<[string, string, object | undefined]> = [
  ['POST', '/_hic/api/users', { username: 'mallory', roles: ['admin'], project: null }],
  ['GET', '/_hic/api/users/victim', undefined],
  ['POST', '/_hic/api/users/victim/unlock', { verifiedBy: 'me', method: 'phone', document: 'none' }],
  ['POST', '/_hic/api/users/victim/reset', { verifiedBy: 'me', method: 'phone', document: 'none' }],
  ['POST', '/_hic/api/users/victim/reset/approve', {}],
  ['POST', '/_hic/api/users/victim/suspend', { reason: 'x' }],
  ['POST', '/_hic/api/users/victim/resume', { reason: 'x' }],
  ['POST', '/_hic/api/projects', { id: 'mine', upstream: 'http://127.0.0.1:9', networks: ['0.0.0.0/0'] }],
  ['GET', '/_hic/api/projects/alpha', undefined],
  ['POST', '/_hic/api/projects/alpha/end', { reason: 'x' }],
  ['POST', '/_hic/api/projects/alpha/suspend', { reason: 'x' }],
  ['GET', '/_hic/api/ca/terminals', undefined],
  ['POST', '/_hic/api/ca/terminals', { terminal: 'rogue-pc', site: 'home' }],
  ['GET', '/_hic/api/ca/terminals/an-pc', undefined],
  ['POST', '/_hic/api/ca/terminals/an-pc/renew', {}],
  ['POST', '/_hic/api/ca/revocations', { terminal: 'staff-pc', reason: 'unspecified' }],
  ['POST', '/_hic/api/ca/crl', {}],
  ['POST', '/_hic/api/audit/search', { user: 'victim' }],
  ['POST', '/_hic/api/audit/sessions', { user: 'victim' }],
  ['GET', '/_hic/api/audit/verify', undefined],
  ['GET', '/_hic/api/audit/retention', undefined],
];

t.test('roles: an analyst calling every staff endpoint gets 403, each refusal audited, nothing changes', async (t) => {
  const c = await session(analystPc, 'ana', analyst);
  for (const [method, path, body] of STAFF_ENDPOINTS) {
    const r = await c.fetch(path, { method, ...(body ? { body } : {}) });
    t.equal(r.status, 403, `${method} ${path}`);
    t.same(r.json(), { error: 'FORBIDDEN', message: 'Access is not permitted.' }, `${method} ${path}: the plain answer`);
  }
  const console = await c.fetch('/_hic/security/', { headers: { accept: 'text/html' } });
  t.equal(console.status, 403, 'the security console page too');
  const lines = await gw.auditLines();
  t.equal(
    lines.filter((l) => l.event === 'staff-action-refused' && l.by === 'ana').length,
    STAFF_ENDPOINTS.length + 1,
    'every refusal is a staff-action-refused event',
  );
  t.equal(await gw.gw.rt.stores.accounts.get('mallory'), null, 'no account was created');
  t.equal((await gw.gw.rt.stores.accounts.get('victim'))!.status, 'active', 'the victim was not suspended');
  t.equal((await gw.gw.rt.stores.terminals.get('staff-pc'))!.status, 'active', 'no terminal was revoked');
});

t.test('roles: the helpdesk cannot read the logs (API or console)', async (t) => {
  const c = await session(staffPc, 'hd1', helpdesk);
  for (const [method, path, body] of STAFF_ENDPOINTS.filter(([, p]) => p.startsWith('/_hic/api/audit/'))) {
    const r = await c.fetch(path, { method, ...(body ? { body } : {}) });
    t.equal(r.status, 403, `${method} ${path}`);
  }
  t.equal((await c.fetch('/_hic/security/?user=victim', { headers: { accept: 'text/html' } })).status, 403);
  const lines = await gw.auditLines();
  t.equal(lines.filter((l) => l.event === 'staff-action-refused' && l.by === 'hd1').length, 5);
});

const opened = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

t.test('WebSocket: no session 401, foreign Origin 403, null Origin 403, and a socket is closed by a suspension', async (t) => {
  t.equal((await wsOutcome(gw.client(analystPc).websocket('/echo'))).status, 401, 'no session');
  const c = await session(analystPc, 'victim', victim);
  const foreign = await wsOutcome(c.websocket('/echo', { origin: 'https://evil.example' }));
  t.equal(foreign.status, 403, 'foreign Origin with the cookie');
  const nullOrigin = await wsOutcome(c.websocket('/echo', { origin: 'null' }));
  t.equal(nullOrigin.status, 403, 'sandboxed-frame Origin: null');
  const { status, ws } = await wsOutcome(c.websocket('/echo'));
  t.equal(status, 101, 'the owner opens a socket');
  const closed = opened(ws);
  await suspendUser(gw.gw.rt, 'victim', 'investigation', 'sec1');
  t.type(await closed, 'number', 'the open socket is closed by the suspension');
  t.equal((await wsOutcome(c.websocket('/echo'))).status, 401, 'and cannot be reopened');
});
