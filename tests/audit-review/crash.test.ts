import t from 'tap';
import { freePort, until } from '../helpers/wait.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { readAuditLines } from '../../gateway/audit/index.js';
import { createRedisStores } from '../../gateway/stores/redis/index.js';
import { readLines, writeLines } from '../audit/fixtures/helpers.js';
import { TerminalClient } from '../helpers/client.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { HIC, hic } from './helpers.js';

/**
 * LOG-1, LOG-3 with a real gateway process: `hic start --demo` on loopback (Redis store) under load, killed with
 * SIGKILL. Every security event the gateway acknowledged (a 401 to a failed login is sent only after the event
 * is fsync'ed) is in the log; the log verifies; and when the tail is then cut together with the checkpoint file,
 * the verifier names the first missing line, thanks to the checkpoints published to Redis.
 */
const home = mkdtempSync(join(tmpdir(), 'hic-crash-'));
const prefix = testPrefix('crash-gw');
const stores = await createRedisStores({ url: REDIS_URL, prefix });
t.teardown(async () => {
  await stores.close();
  await dropPrefix(prefix);
});

t.test('SIGKILL under load: acknowledged security events are on disk; a cut tail is found to the line', async (t) => {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('_TAPJS') && k !== 'NODE_OPTIONS'));
  const child = spawn(process.execPath, [HIC, 'start', '--demo', '--workers', '1'], {
    env: { ...env, HIC_HOME: home, HIC_PORT: String(await freePort()), REDIS_URL, HIC_STORE_PREFIX: prefix },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  t.teardown(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  await until(() => existsSync(join(home, 'demo.json')), 60_000, `the demo to start (${stderr})`);
  const demo = JSON.parse(readFileSync(join(home, 'demo.json'), 'utf8'));
  const term = demo.terminals[0];
  const identity = { cert: readFileSync(term.certPem, 'utf8'), key: readFileSync(term.keyPem, 'utf8') };
  const ca = readFileSync(demo.caCertPem, 'utf8');
  const user = new TerminalClient(demo.url, ca, identity);
  const intruder = new TerminalClient(demo.url, ca, identity);
  t.teardown(() => (user.close(), intruder.close()));
  const login = await user.fetch('/_hic/api/session', {
    method: 'POST',
    body: { username: demo.analyst.username, password: demo.analyst.password, totp: currentTotp(demo.analyst.totpSecret, Date.now()) },
  });
  t.equal(login.status, 201, 'the analyst logged in');

  // Load: four request loops, and failed logins one after another (each 401 = an acknowledged security event).
  let stop = false;
  let served = 0;
  const loops = Array.from({ length: 4 }, async () => {
    while (!stop) {
      const res = await user.fetch('/', { headers: { accept: 'text/plain' } }).catch(() => null);
      if (!res) return;
      if (res.status === 200) served += 1;
    }
  });
  const acknowledged: string[] = [];
  const failing = (async () => {
    for (let i = 0; !stop; i++) {
      const res = await intruder
        .fetch('/_hic/api/session', { method: 'POST', body: { username: `ghost-${i}`, password: 'wrong-Pass-1!', totp: '000000' } })
        .catch(() => null);
      if (!res) return;
      if (res.status === 401) acknowledged.push(`ghost-${i}`);
    }
  })();
  const instance = `${hostname()}-${child.pid}`;
  // Kill once a checkpoint reached Redis (the gateway signs one every 10 s or 10 000 lines) and load went on after it.
  await until(async () => ((await stores.auditCheckpoints!.all()).get(instance)?.length ?? 0) > 0, 40_000, 'a published checkpoint');
  const target = served + 300;
  await until(() => served >= target && acknowledged.length >= 5, 20_000, 'load after the checkpoint');
  child.kill('SIGKILL');
  t.equal(await exited, 'SIGKILL');
  stop = true;
  await Promise.all([...loops, failing]);

  const dir = demo.auditDir as string;
  const failed = new Set<string>();
  let accessLines = 0;
  for await (const { entry } of readAuditLines(dir, { instance })) {
    if (entry['event'] === 'login-failed') failed.add(entry['user'] as string);
    if (entry.kind === 'access' && entry['path'] === '/') accessLines += 1;
  }
  t.same(
    acknowledged.filter((u) => !failed.has(u)),
    [],
    `all ${acknowledged.length} acknowledged failed logins are in the log`,
  );
  t.ok(
    served - accessLines <= 10_000,
    `${served} requests served, ${accessLines} access records on disk: ${served - accessLines} lost in the crash (bound 10 000, in practice the last 50 ms)`,
  );

  const key = join(dir, 'keys', 'audit-signing.pub.pem');
  const cliEnv = { HIC_HOME: mkdtempSync(join(tmpdir(), 'hic-cli-home-')), REDIS_URL, HIC_STORE_PREFIX: prefix };
  const afterCrash = await hic(['audit', 'verify', dir, '--key', key, '--json'], cliEnv);
  const findings = afterCrash.json().findings as { kind: string }[];
  t.ok(afterCrash.code === 0 || findings.every((f) => f.kind === 'truncated'), `after the crash: ${JSON.stringify(findings)}`);

  // The attacker's move: cut the newest day file below the last published checkpoint, and the checkpoint file with it.
  const published = (await stores.auditCheckpoints!.all()).get(instance)!;
  const last = JSON.parse(Buffer.from(published.at(-1)!.split('.')[1]!, 'base64url').toString()) as { seq: number; file: string };
  const dayFile = join(dir, instance, last.file);
  const lines = readLines(dayFile);
  const at = lines.findIndex((l) => l.startsWith(`{"seq":${last.seq},`));
  const keep = Math.max(1, at - 10);
  const keptSeq = (JSON.parse(lines[keep - 1]!) as { seq: number }).seq;
  writeLines(dayFile, lines.slice(0, keep));
  const cps = join(dir, instance, 'checkpoints.jsonl');
  writeLines(
    cps,
    readLines(cps).filter((l) => JSON.parse(Buffer.from(JSON.parse(l).jws.split('.')[1], 'base64url').toString()).seq <= keptSeq),
  );
  t.same(
    readdirSync(join(dir, instance)).filter((f) => f.endsWith('.jsonl') && f > last.file && f !== 'checkpoints.jsonl'),
    [],
    'no later day file',
  );

  const offline = await hic(['audit', 'verify', dir, '--key', key, '--offline'], cliEnv);
  t.equal(offline.code, 0, 'the files alone cannot show the cut');
  const online = await hic(['audit', 'verify', dir, '--key', key, '--json'], cliEnv);
  t.equal(online.code, 1);
  t.match(online.json().findings, [
    { file: `${instance}/checkpoints.jsonl`, kind: 'deleted' },
    {
      file: `${instance}/${last.file}`,
      line: keep + 1,
      kind: 'truncated',
      detail: new RegExp(`attests seq ${last.seq} but the chain ends at seq ${keptSeq}`),
    },
  ]);
});
