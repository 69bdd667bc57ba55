import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';

/** `hic user …` / `hic project …` from a separate process, against gateways sharing one Redis (SES-3, SES-4). */
const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'hic-cli-'));
const prefix = testPrefix('cli');
const env = { ...process.env, HIC_HOME: home, REDIS_URL, HIC_STORE_PREFIX: prefix, HIC_OPERATOR: 'admin-yamada' };

async function hic(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/bin/hic.js', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const pki = await makePki();
const cert = await pki.terminal('cli-1');
const gwA = await startTestGateway({ pki, store: 'redis', prefix });
const gwB = await startTestGateway({ pki, store: 'redis', prefix });
t.teardown(async () => {
  await gwA.close();
  await gwB.close();
  await dropPrefix(prefix);
});
await gwA.addTerminal('cli-1', cert);

t.test('user add / show with --json; bad input exits non-zero with a clear message', async (t) => {
  const added = await hic('user', 'add', 'vera', '--role', 'analyst', '--project', 'alpha', '--json');
  t.equal(added.code, 0, added.stderr);
  const body = JSON.parse(added.stdout);
  t.equal(body.user.username, 'vera');
  t.match(body.initialPassword, /^.{16}$/);
  const shown = JSON.parse((await hic('user', 'show', 'vera', '--json')).stdout);
  t.equal(shown.initialPassword, true);
  t.notOk(JSON.stringify(shown).includes('argon2'));
  const dup = await hic('user', 'add', 'vera', '--role', 'analyst', '--project', 'alpha');
  t.equal(dup.code, 1);
  t.match(dup.stderr, /already exists/);
  const badRole = await hic('user', 'add', 'x', '--role', 'wizard');
  t.equal(badRole.code, 2);
  t.match(badRole.stderr, /unknown role: wizard/);
  const unknown = await hic('user', 'show', 'nobody');
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /unknown user: nobody/);
  t.match((await hic('user', 'unlock', '--help')).stdout, /--verified-by STAFF --method METHOD --document DOC/);
});

t.test('user unlock refuses to run without the ledger fields', async (t) => {
  const res = await hic('user', 'unlock', 'vera', '--verified-by', 'hd-sato');
  t.equal(res.code, 2);
  t.match(res.stderr, /--method, --document required/);
  const notLocked = await hic(
    'user',
    'unlock',
    'vera',
    '--verified-by',
    'hd-sato',
    '--method',
    'phone call-back',
    '--document',
    'staff ID',
    '--json',
  );
  t.equal(notLocked.code, 1, 'vera is not locked: nothing to unlock (issue 13: honest answers)');
  t.equal(JSON.parse(notLocked.stdout).error, 'NOT_LOCKED');
});

t.test('user suspend ends the sessions on every instance within a second; resume is separate', async (t) => {
  const creds = await gwA.addUser('wako');
  const onA = gwA.client(cert);
  const onB = gwB.client(cert);
  t.equal(await gwA.login(onA, 'wako', creds), 201);
  gwB.clock.advance(60_000); // the next TOTP step: a code is accepted once only, across instances
  t.equal(await gwB.login(onB, 'wako', creds), 201);
  t.equal((await onA.fetch('/', { headers: { accept: 'application/json' } })).status, 200);
  t.equal((await onB.fetch('/', { headers: { accept: 'application/json' } })).status, 200, 'both sessions cached on their instances');
  const started = Date.now();
  const res = await hic('user', 'suspend', 'wako', '--reason', 'unauthorised sharing', '--json');
  t.equal(res.code, 0, res.stderr);
  t.equal(JSON.parse(res.stdout).sessionsEnded, 2);
  t.equal((await onA.fetch('/', { headers: { accept: 'application/json' } })).status, 401, 'instance A: out');
  t.equal((await onB.fetch('/', { headers: { accept: 'application/json' } })).status, 401, 'instance B: out');
  t.ok(Date.now() - started < 5_000, 'well within the CLI run (the news itself travels in milliseconds)');
  t.equal((await hic('user', 'resume', 'wako')).code, 2, 'resume needs a reason');
  t.equal((await hic('user', 'resume', 'wako', '--reason', 'cleared by security')).code, 0);
});

t.test('project add / show / end: accounts and terminals stop at once, records stay', async (t) => {
  const noCredential = await hic(
    'project',
    'add',
    'beta',
    '--upstream',
    gwA.workspace.url,
    '--network',
    '127.0.0.0/8',
    '--profile',
    'demo',
  );
  t.equal(noCredential.code, 1, 'a profile that needs a credential is refused without one');
  t.match(noCredential.stderr, /needs a credential file/);
  const add = await hic(
    'project',
    'add',
    'beta',
    '--upstream',
    gwA.workspace.url,
    '--network',
    '127.0.0.0/8',
    '--end',
    '2099-03-31',
    '--profile',
    'demo',
    '--credential-file',
    join(gwA.dir, 'workspace.token'),
    '--json',
  );
  t.equal(add.code, 0, add.stderr);
  t.equal(JSON.parse(add.stdout).project.endsAt, '2099-03-31T15:00:00.000Z', 'an end date is the end of that day, Japan time');
  const badNet = await hic('project', 'add', 'gamma', '--upstream', 'http://x', '--network', '10.0.0.0/99');
  t.equal(badNet.code, 1);
  t.match(badNet.stderr, /not a CIDR/);
  const betaCert = await pki.terminal('beta-1', { project: 'beta' });
  await gwA.addTerminal('beta-1', betaCert, ['beta']);
  t.equal((await hic('user', 'add', 'yuki', '--role', 'analyst', '--project', 'beta')).code, 0);
  const creds = await gwA.addUser('yoko', ['analyst'], 'beta');
  // The project-changed news reaches both in-process instances through Redis pub/sub (bounded wait).
  for (let i = 0; i < 100 && !gwB.gw.rt.projects.has('beta'); i++) await new Promise((r) => setTimeout(r, 10));
  const c = gwB.client(betaCert);
  t.equal(await gwB.login(c, 'yoko', creds), 201, 'the new project works on instance B');
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 200);
  const end = await hic('project', 'end', 'beta', '--json');
  t.equal(end.code, 0, end.stderr);
  const ended = JSON.parse(end.stdout);
  t.same(ended.terminals, ['beta-1']);
  t.same([...ended.users].sort(), ['yoko', 'yuki']);
  const after = await c.fetch('/', { headers: { accept: 'application/json' } }).catch(() => ({ status: 0 }));
  t.ok(after.status === 401 || after.status === 403 || after.status === 0, `session and connection cut (${after.status})`);
  const fresh = await gwB.client(betaCert).fetch('/_hic/api/session');
  t.equal(fresh.status, 403, 'the certificate no longer works');
  const shown = JSON.parse((await hic('project', 'show', 'beta', '--json')).stdout);
  t.equal(shown.status, 'ended');
  t.same(shown.members.map((m: { username: string }) => m.username).sort(), ['yoko', 'yuki'], 'accounts kept for the record');
});
