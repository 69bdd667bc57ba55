import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { TEST_COST } from '../../gateway/accounts/password-hash.js';
import { SecretBox } from '../../gateway/accounts/secret-box.js';
import { createAccount } from '../../gateway/admin/accounts.js';
import { registerTerminal } from '../../gateway/admin/terminals.js';
import { systemClock } from '../../gateway/core/clock.js';
import { createRedisStores } from '../../gateway/stores/redis/index.js';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { TerminalClient } from '../helpers/client.js';
import { makePki } from '../helpers/pki.js';
import { readAuditDir, startTestGateway } from '../helpers/gateway.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';

/** AUTH-4: 5 failures lock; exact under concurrency across instances; no enumeration; per-terminal slow-down. */
const pki = await makePki();
const cert = await pki.terminal('lk-1');

t.test('five wrong passwords lock the account; the right one then fails with the same message', async (t) => {
  const gw = await startTestGateway({ pki, store: 'redis' });
  t.teardown(() => gw.close());
  await gw.addTerminal('lk-1', cert);
  const mia = await gw.addUser('mia');
  const c = gw.client(cert);
  const wrong = { ...mia, password: 'Wrong#Pass1!' };
  for (let i = 0; i < 5; i++) t.equal(await gw.login(c, 'mia', wrong), 401);
  gw.clock.advance(1_000); // the terminal's own wait after 5 failures (tests/security/login-throttle.test.ts)
  const locked = await c.fetch('/_hic/api/session', {
    method: 'POST',
    body: { username: 'mia', password: mia.password, totp: currentTotp(mia.totpSecret, gw.clock.now()) },
  });
  t.equal(locked.status, 401);
  t.same(
    locked.json(),
    { error: 'LOGIN_FAILED', message: 'The user ID, password or one-time code is incorrect.' },
    'same generic message as a wrong password',
  );
  const lines = await gw.auditLines();
  t.equal(lines.filter((l) => l.event === 'account-locked' && l.user === 'mia').length, 1);
  t.ok(
    lines.some((l) => l.event === 'login-failed' && l.user === 'mia' && l.reason === 'account-locked'),
    'the attempt on the locked account is audited',
  );
  t.not((await gw.gw.rt.stores.accounts.get('mia'))!.lockedAt, null, 'no automatic unlock: it stays locked');
  gw.clock.advance(30 * 86_400_000);
  t.equal(await gw.login(gw.client(cert), 'mia', mia), 401, 'still locked 30 days later');
});

t.test('five wrong TOTP codes lock too (separate counter)', async (t) => {
  const gw = await startTestGateway({ pki, store: 'redis' });
  t.teardown(() => gw.close());
  await gw.addTerminal('lk-1', cert);
  const nao = await gw.addUser('nao');
  const c = gw.client(cert);
  for (let i = 0; i < 5; i++) {
    const r = await c.fetch('/_hic/api/session', { method: 'POST', body: { username: 'nao', password: nao.password, totp: '000000' } });
    t.equal(r.status, 401);
  }
  t.not((await gw.gw.rt.stores.accounts.get('nao'))!.lockedAt, null);
  const lines = await gw.auditLines();
  t.equal(lines.filter((l) => l.event === 'account-locked' && l.user === 'nao' && l.stage === 'totp').length, 1);
});

t.test('one terminal failing against many accounts is slowed down (429 + Retry-After) after 5 free failures', async (t) => {
  const gw = await startTestGateway({ pki, store: 'redis' });
  t.teardown(() => gw.close());
  await gw.addTerminal('lk-1', cert);
  const c = gw.client(cert);
  const replies = [];
  for (let i = 0; i < 7; i++) {
    replies.push(await c.fetch('/_hic/api/session', { method: 'POST', body: { username: `nobody${i}`, password: 'x', totp: '123456' } }));
  }
  t.same(
    replies.map((r) => r.status),
    [401, 401, 401, 401, 401, 429, 429],
  );
  t.equal(replies[5]!.headers['retry-after'], '1', 'told how long to wait');
  t.same(replies[5]!.json(), { error: 'RATE_LIMITED', message: 'Too many attempts. Wait and try again.' });
  // The rest (other terminals unaffected, helpdesk pass, alerts, hard limit, races): tests/security/login-throttle.test.ts.
});

/** Starts `hic start --config` as a separate process and resolves with its URL. */
function startProcess(configFile: string, instance: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/bin/hic.js', 'start', '--config', configFile, '--workers', '1'], {
      env: { ...process.env, HIC_INSTANCE_ID: instance, REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (https:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`gateway exited ${code}: ${out}`)));
  });
}

t.test('50 parallel wrong passwords against two gateway processes on one Redis: exactly one lockout', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hic-lockout-'));
  const prefix = testPrefix('lockout');
  const files = { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), caFile: join(dir, 'ca.pem') };
  writeFileSync(files.certFile, pki.server.cert);
  writeFileSync(files.keyFile, pki.server.key, { mode: 0o600 });
  writeFileSync(files.caFile, pki.caBundle);
  const totpKeyFile = join(dir, 'totp.key');
  const stores = await createRedisStores({ url: REDIS_URL, prefix });
  const secretBox = await SecretBox.loadOrCreate(totpKeyFile);
  // Five terminals of one site: each may have 5 failures in flight before it is slowed, so the account's own
  // counter sees a real race (one terminal alone would be serialised by the terminal throttle).
  const certs = await Promise.all([0, 1, 2, 3, 4].map((i) => pki.terminal(`lk-p${i}`)));
  for (const [i, c] of certs.entries()) {
    await registerTerminal(stores, systemClock, {
      id: `lk-p${i}`,
      site: 's',
      projects: ['alpha'],
      fingerprint: c.fingerprint,
      serial: c.serial,
      notAfter: c.notAfter,
      requestedBy: 'test',
    });
  }
  await createAccount(
    { stores, secretBox, hashCost: TEST_COST, clock: systemClock },
    { username: 'oto', roles: ['analyst'], project: 'alpha', initial: false, enrolTotp: true },
  );
  const config = (instance: string) => {
    const file = join(dir, `${instance}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        mode: 'test',
        server: { host: '127.0.0.1', port: 0 },
        tls: files,
        store: { kind: 'redis', url: REDIS_URL, prefix },
        secrets: { totpKeyFile },
        audit: { dir: join(dir, 'audit'), instanceId: instance },
        projects: [{ id: 'alpha', upstream: 'http://127.0.0.1:9', networks: ['127.0.0.0/8'] }],
      }),
    );
    return file;
  };
  const a = await startProcess(config('gw-a'), 'gw-a');
  const b = await startProcess(config('gw-b'), 'gw-b');
  t.teardown(async () => {
    a.child.kill('SIGKILL');
    b.child.kill('SIGKILL');
    await stores.close();
    await dropPrefix(prefix);
  });
  const clients = Array.from(
    { length: 50 },
    (_, i) => new TerminalClient(i % 2 === 0 ? a.url : b.url, pki.caBundle, { cert: certs[i % 5]!.cert, key: certs[i % 5]!.key }),
  );
  const statuses = await Promise.all(
    clients.map((c) =>
      c
        .fetch('/_hic/api/session', { method: 'POST', body: { username: 'oto', password: 'Wrong#Pass1!', totp: '123456' } })
        .then((r) => r.status),
    ),
  );
  for (const c of clients) c.close();
  t.ok(
    statuses.every((s) => s === 401 || s === 429),
    'every attempt refused (429 when its terminal is being slowed)',
  );
  const tried = statuses.filter((s) => s === 401).length;
  t.ok(tried >= 25 && tried <= 30, `each terminal tried 5 free attempts and at most one more (${tried} of 50 tried)`);
  const exited = (p: { child: ChildProcess }) => new Promise((r) => p.child.once('exit', r));
  const done = Promise.all([exited(a), exited(b)]);
  a.child.kill('SIGTERM');
  b.child.kill('SIGTERM');
  await done;
  const lines = readAuditDir(join(dir, 'audit'));
  const lockouts = lines.filter((l) => l.event === 'account-locked' && l.user === 'oto');
  t.equal(lockouts.length, 1, 'exactly one lockout event across both instances');
  const counted = lines
    .filter((l) => l.event === 'login-failed' && l.user === 'oto' && l.reason === 'wrong-password')
    .map((l) => l.failures)
    .sort((x, y) => x - y);
  t.same(counted, [1, 2, 3, 4, 5], 'the 5 counted attempts are all audited');
  t.equal(lines.filter((l) => l.event === 'login-failed' && l.user === 'oto').length, 50, 'every attempt is audited');
  t.not((await stores.accounts.get('oto'))!.lockedAt, null);
});
