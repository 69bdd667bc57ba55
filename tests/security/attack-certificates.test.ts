import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { certificateFingerprint } from '../../ca/index.js';
import { revokeTerminal } from '../../gateway/terminals/revoke.js';
import { startTestGateway } from '../helpers/gateway.js';
import { makePki, type TestCert } from '../helpers/pki.js';

/**
 * Attack suite, certificates (AC-2, AUTH-8), over real TLS against a running gateway: every kind of wrong client
 * certificate is refused by the terminal stage with its named reason, even when an attacker managed to get its
 * fingerprint into the register, and even on the login endpoint itself (no login, no argon2 work, no audit of a user).
 */
const pki = await makePki();
const foreign = await makePki();
const gw = await startTestGateway({ pki, store: 'redis' });
t.teardown(() => gw.close());
const alice = await gw.addUser('alice');

/** A self-signed client certificate made by openssl (clientAuth EKU, valid dates): trusted by nobody. */
function selfSigned(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), 'hic-self-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'k.pem'),
      '-out',
      join(dir, 'c.pem'),
      '-days',
      '30',
      '-subj',
      '/O=HIC Gateway/OU=test-site/CN=self-pc',
      '-addext',
      'extendedKeyUsage=clientAuth',
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
  return {
    cert,
    key: readFileSync(join(dir, 'k.pem'), 'utf8'),
    fingerprint: certificateFingerprint(cert),
    serial: '01',
    notAfter: new Date(Date.now() + 30 * 86_400_000),
  };
}

const day = 86_400_000;
const server = {
  cert: pki.server.cert,
  key: pki.server.key,
  fingerprint: certificateFingerprint(pki.server.cert),
  serial: 'srv',
  notAfter: new Date(Date.now() + 365 * day),
};
const attacks: Array<{ name: string; cert: TestCert | null; register: boolean; reason: string }> = [
  { name: 'no certificate', cert: null, register: false, reason: 'terminal-certificate-missing' },
  { name: 'self-signed, its fingerprint registered', cert: selfSigned(), register: true, reason: 'terminal-certificate-untrusted' },
  {
    name: 'another CA, its fingerprint registered',
    cert: await foreign.terminal('foreign-pc'),
    register: true,
    reason: 'terminal-certificate-untrusted',
  },
  {
    name: 'expired, registered',
    cert: await pki.terminal('old-pc', { notBefore: new Date(Date.now() - 30 * day), notAfter: new Date(Date.now() - day) }),
    register: true,
    reason: 'terminal-certificate-expired',
  },
  {
    name: 'not yet valid, registered',
    cert: await pki.terminal('future-pc', { notBefore: new Date(Date.now() + day), notAfter: new Date(Date.now() + 30 * day) }),
    register: true,
    reason: 'terminal-certificate-not-yet-valid',
  },
  { name: 'our CA but not in the register', cert: await pki.terminal('stray-pc'), register: false, reason: 'terminal-not-registered' },
  {
    name: "no clientAuth EKU (the gateway's own server certificate), registered",
    cert: server,
    register: true,
    reason: 'terminal-certificate-untrusted',
  },
];

for (const attack of attacks) {
  t.test(`certificate attack: ${attack.name} → 403 ${attack.reason}`, async (t) => {
    if (attack.cert && attack.register)
      await gw.addTerminal(`${attack.name.slice(0, 12).replace(/\W/g, '-')}-${attack.cert.fingerprint.slice(0, 6)}`, attack.cert);
    const c = gw.client(attack.cert ?? undefined);
    const probe = await c.fetch('/_hic/api/session');
    t.equal(probe.status, 403);
    const { message, ...rest } = probe.json();
    t.same(rest, { error: 'FORBIDDEN', reason: attack.reason }, 'the named reason (a terminal problem the person can act on)');
    t.match(message, /^[^\n]{10,300}$/, 'a plain one-line explanation, no stack trace');
    const login = await c.fetch('/_hic/api/session', {
      method: 'POST',
      body: { username: 'alice', password: alice.password, totp: '123456' },
    });
    t.equal(login.status, 403, 'the right password does not help: the login handler is never reached');
    t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 403, 'nor the workspace');
    const lines = await gw.auditLines();
    t.notOk(
      lines.some((l) => l.event === 'login-failed' && l.user === 'alice'),
      'no login attempt was made for alice',
    );
    t.ok(
      lines.some((l) => l.kind === 'access' && l.path === '/_hic/api/session' && l.status === 403 && l.reason === attack.reason),
      'the refusal is in the access log with its reason',
    );
  });
}

t.test('certificate attack: revoked (on an open connection and on a new one) → 403 terminal-revoked', async (t) => {
  const cert = await pki.terminal('stolen-pc');
  await gw.addTerminal('stolen-pc', cert);
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'alice', alice), 201, 'worked before the revocation');
  gw.clock.advance(30_000);
  await revokeTerminal(
    { stores: gw.gw.rt.stores, clock: gw.clock, authority: null, sessions: gw.gw.rt.sessions },
    { terminalId: 'stolen-pc', reason: 'keyCompromise', by: 'test' },
  );
  const open = await c.fetch('/', { headers: { accept: 'application/json' } });
  t.equal(open.status, 403, 'the open keep-alive connection was cut; the next request is refused');
  t.equal(open.json().reason, 'terminal-revoked');
  const fresh = await gw
    .client(cert)
    .fetch('/_hic/api/session', { method: 'POST', body: { username: 'alice', password: alice.password, totp: '123456' } });
  t.equal(fresh.status, 403);
  t.equal(fresh.json().reason, 'terminal-revoked');
});

t.test(
  "certificate attack: another terminal's certificate (of another project, or a staff terminal) cannot log an analyst in",
  async (t) => {
    // A terminal of project beta: its project's approved networks do not include this address, so the network stage refuses.
    const beta = await pki.terminal('beta-pc', { project: 'beta' });
    await gw.addTerminal('beta-pc', beta, ['beta']);
    const viaBeta = await gw
      .client(beta)
      .fetch('/_hic/api/session', { method: 'POST', body: { username: 'alice', password: alice.password, totp: '000000' } });
    t.equal(viaBeta.status, 403);
    t.equal(viaBeta.json().reason, 'network-not-approved');
    // A staff terminal on a staff network: the login runs and is refused with the generic answer; the reason is audited.
    const staff = await pki.terminal('staff-pc');
    await gw.addTerminal('staff-pc', staff, []);
    gw.clock.advance(30_000);
    const viaStaff = await gw
      .client(staff)
      .fetch('/_hic/api/session', { method: 'POST', body: { username: 'alice', password: alice.password, totp: '000000' } });
    t.equal(viaStaff.status, 401);
    t.same(
      viaStaff.json(),
      { error: 'LOGIN_FAILED', message: 'The user ID, password or one-time code is incorrect.' },
      'the generic answer: the reason is not shown',
    );
    const lines = await gw.auditLines();
    t.ok(
      lines.some(
        (l) => l.event === 'login-failed' && l.user === 'alice' && l.reason === 'terminal-not-assigned' && l.terminal === staff.fingerprint,
      ),
      'audited as terminal-not-assigned',
    );
    t.notOk(
      lines.some((l) => l.event === 'login-failed' && l.user === 'alice' && l.terminal === beta.fingerprint),
      'the beta terminal never reached the login',
    );
  },
);
