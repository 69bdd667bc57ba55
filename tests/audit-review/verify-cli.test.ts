import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactSign } from 'jose';
import { createRedisStores } from '../../gateway/stores/redis/index.js';
import { DAY_FILE, fixture, parse, readLines, writeLines } from '../audit/fixtures/helpers.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { hic } from './helpers.js';

/**
 * LOG-3 through the CLI: each kind of change to a copy of a real log makes `hic audit verify` exit non-zero and
 * name the file and line; the untouched log exits 0. The checkpoints are also published to Redis, as the gateway
 * does, which is what reveals a log cut together with its checkpoint file.
 */
const root = t.testdir();
const prefix = testPrefix('audit-verify');
const stores = await createRedisStores({ url: REDIS_URL, prefix });
t.teardown(async () => {
  await stores.close();
  await dropPrefix(prefix);
});
const fx = await fixture(root);
const log = await fx.open({ checkpointEveryLines: 5, onCheckpoint: (cp) => stores.auditCheckpoints!.publish('gw-a', cp.jws, 1000) });
for (let i = 1; i <= 30; i++) {
  fx.clock.advance(1);
  if (i % 3 === 0) await log.security({ event: 'login-failed', user: `u${i}`, address: '10.0.0.1' });
  else log.access({ user: `u${i}`, method: 'GET', path: `/p/${i}`, status: 200, reason: 'allowed' });
}
await log.close();
const keyFile = join(fx.keyDir, 'audit-signing.pub.pem');
/** A well-formed checkpoint for gw-a, signed with a key that is not the audit key. */
const forged = await new CompactSign(
  new TextEncoder().encode(
    JSON.stringify({
      instance: 'gw-a',
      seq: 30,
      hash: 'f'.repeat(64),
      file: DAY_FILE,
      time: new Date().toISOString(),
      n: 99,
      reason: 'interval',
    }),
  ),
)
  .setProtectedHeader({ alg: 'EdDSA', typ: 'hic-audit-checkpoint' })
  .sign(generateKeyPairSync('ed25519').privateKey);
const FILE = `gw-a/${DAY_FILE}`;
const home = mkdtempSync(join(tmpdir(), 'hic-cli-home-'));
const redisEnv = { REDIS_URL, HIC_STORE_PREFIX: prefix };

/** A copy of the log changed by `tamper`, verified by the CLI. */
async function verifyCopy(name: string, tamper: (dir: string) => void, env: Record<string, string> = {}) {
  const dir = join(root, name);
  cpSync(fx.dir, dir, { recursive: true });
  tamper(dir);
  const res = await hic(['audit', 'verify', dir, '--key', keyFile, '--json'], { HIC_HOME: home, ...env });
  return { ...res, result: res.stdout ? res.json() : null };
}
const day = (dir: string): string => join(dir, 'gw-a', DAY_FILE);
const checkpoints = (dir: string): string => join(dir, 'gw-a', 'checkpoints.jsonl');

t.test('the untouched log verifies: exit 0, also against the published checkpoints', async (t) => {
  const res = await verifyCopy('clean', () => {}, redisEnv);
  t.equal(res.code, 0, res.stderr);
  t.equal(res.result.ok, true);
  t.equal(res.result.lines, 30);
  t.ok(res.result.publishedCheckpoints >= 6, `${res.result.publishedCheckpoints} published checkpoints compared`);
});

t.test('each kind of change: exit 1, the finding names file and line', async (t) => {
  const cases: [string, (dir: string) => void, { line: number; kind: string; file?: string }][] = [
    [
      'edit a field',
      (d) => {
        const lines = readLines(day(d));
        lines[6] = lines[6]!.replace('"user":"u7"', '"user":"u8"');
        writeLines(day(d), lines);
      },
      { line: 7, kind: 'altered' },
    ],
    [
      'delete a line',
      (d) =>
        writeLines(
          day(d),
          readLines(day(d)).filter((_, i) => i !== 11),
        ),
      { line: 12, kind: 'deleted' },
    ],
    [
      'insert a line',
      (d) => {
        const lines = readLines(day(d));
        const forged = { ...parse(lines[9]!), user: 'intruder' };
        lines.splice(10, 0, JSON.stringify(forged));
        writeLines(day(d), lines);
      },
      { line: 11, kind: 'inserted' },
    ],
    [
      'swap two lines',
      (d) => {
        const lines = readLines(day(d));
        [lines[14], lines[15]] = [lines[15]!, lines[14]!];
        writeLines(day(d), lines);
      },
      { line: 15, kind: 'reordered' },
    ],
    ['cut the tail', (d) => writeLines(day(d), readLines(day(d)).slice(0, 26)), { line: 27, kind: 'truncated' }],
    [
      'forge a checkpoint',
      (d) => appendFileSync(checkpoints(d), `${JSON.stringify({ jws: forged })}\n`),
      {
        file: 'gw-a/checkpoints.jsonl',
        line: readLines(checkpoints(fx.dir)).length + 1,
        kind: 'bad-checkpoint',
      },
    ],
  ];
  const results = await Promise.all(cases.map(([name, tamper]) => verifyCopy(name.replace(/ /g, '-'), tamper)));
  cases.forEach(([name, , expected], i) => {
    const res = results[i]!;
    t.equal(res.code, 1, `${name}: exit 1`);
    t.equal(res.result.ok, false, name);
    t.match(
      res.result.findings,
      [{ file: expected.file ?? FILE, line: expected.line, kind: expected.kind }],
      `${name}: ${JSON.stringify(res.result.findings)}`,
    );
  });
});

t.test('the human output names file:line and kind', async (t) => {
  const dir = join(root, 'human');
  cpSync(fx.dir, dir, { recursive: true });
  writeLines(
    day(dir),
    readLines(day(dir)).filter((_, i) => i !== 3),
  );
  const res = await hic(['audit', 'verify', dir, '--key', keyFile], { HIC_HOME: home });
  t.equal(res.code, 1);
  t.match(res.stdout, new RegExp(`^FAILED .*\\n${FILE}:4  deleted  `, 'm'));
});

t.test('log and checkpoint file cut together: invisible offline, found with the copies published to Redis', async (t) => {
  const cut = (d: string): void => {
    writeLines(day(d), readLines(day(d)).slice(0, 17));
    // The attacker also removes the checkpoints that attest the removed lines.
    writeLines(
      checkpoints(d),
      readLines(checkpoints(d)).filter((l) => JSON.parse(Buffer.from(JSON.parse(l).jws.split('.')[1], 'base64url').toString()).seq <= 17),
    );
  };
  const offline = await verifyCopy('cut-both-offline', cut);
  t.equal(offline.code, 0, 'the files alone cannot show it (documented limit)');
  const online = await verifyCopy('cut-both-redis', cut, redisEnv);
  t.equal(online.code, 1);
  t.match(online.result.findings, [
    { file: 'gw-a/checkpoints.jsonl', kind: 'deleted', detail: /published to Redis but .* missing/ },
    { file: FILE, line: 18, kind: 'truncated', detail: /published copy\) attests seq 30 but the chain ends at seq 17/ },
  ]);
});

t.test('reading the log is recorded in the CLI chain (who, what, which dir)', async (t) => {
  const res = await hic(['audit', 'search', join(home, 'audit'), '--event', 'staff-action', '--field', 'action=audit.verify', '--json'], {
    HIC_HOME: home,
  });
  t.equal(res.code, 0, res.stderr);
  const reads = res.json().results.map((r: { entry: Record<string, unknown> }) => r.entry);
  t.ok(reads.length >= 3, `${reads.length} verifications recorded`);
  t.match(reads[0], { event: 'staff-action', action: 'audit.verify', by: 'sec-test', via: 'cli', key: keyFile });
});
