import t from 'tap';
import { KeyObject, generateKeyPairSync, webcrypto } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HicError } from '../../gateway/core/errors.js';
import { verifyAuditDir } from '../../gateway/audit/index.js';
import type { Checkpoint } from '../../gateway/audit/index.js';
import { GENESIS, hashLine } from '../../gateway/audit/line-format.js';
import { DAY_FILE, T0, fixture, parse, readLines } from './fixtures/helpers.js';

t.test('lines carry the envelope first and chain by the hash of the exact previous bytes', async (t) => {
  const fx = await fixture(t.testdir());
  const log = await fx.open();
  log.access({ user: 'u1', path: '/a', status: 200 });
  fx.clock.advance(5);
  await log.security({ event: 'login', user: 'u1', method: 'password+totp' });
  log.access({});
  log.access({ seq: 99, time: 'spoof', kind: 'security', note: '日本語\u2028' });
  await log.flush();
  const lines = readLines(join(fx.dir, 'gw-a', DAY_FILE));
  t.equal(lines.length, 4);
  t.match(lines[0], /^\{"seq":1,"prev":"0{64}","time":"2025-03-31T12:00:00\.000Z","instance":"gw-a","kind":"access","user":"u1"/);
  const recs = lines.map(parse);
  t.same(
    recs.map((r) => r['seq']),
    [1, 2, 3, 4],
  );
  t.equal(recs[0]?.['prev'], GENESIS);
  for (let i = 1; i < lines.length; i++) t.equal(recs[i]?.['prev'], hashLine(lines[i - 1] as string));
  t.same(recs[1], {
    seq: 2,
    prev: recs[1]?.['prev'],
    time: '2025-03-31T12:00:00.005Z',
    instance: 'gw-a',
    kind: 'security',
    event: 'login',
    user: 'u1',
    method: 'password+totp',
  });
  t.same(Object.keys(recs[2] ?? {}), ['seq', 'prev', 'time', 'instance', 'kind'], 'an empty record is just the envelope');
  t.match(
    recs[3],
    { seq: 4, kind: 'access', _seq: 99, _time: 'spoof', _kind: 'security', note: '日本語\u2028' },
    'a record cannot overwrite the envelope',
  );
  await log.close();
  t.same((await verifyAuditDir(fx.dir, fx.publicKeyPem)).findings, []);
});

t.test('files and directories are private', async (t) => {
  const fx = await fixture(t.testdir());
  const log = await fx.open();
  await log.security({ event: 'x' });
  await log.close();
  t.equal(statSync(fx.dir).mode & 0o777, 0o700);
  t.equal(statSync(join(fx.dir, 'gw-a')).mode & 0o777, 0o700);
  t.equal(statSync(join(fx.dir, 'gw-a', DAY_FILE)).mode & 0o777, 0o600);
  t.equal(statSync(join(fx.dir, 'gw-a', 'checkpoints.jsonl')).mode & 0o777, 0o600);
  t.notOk(existsSync(join(fx.dir, 'gw-a', 'writer.lock')), 'lock released at close');
});

t.test('access records wait in memory; security events are on disk when the promise resolves', async (t) => {
  const fx = await fixture(t.testdir());
  const log = await fx.open();
  const path = join(fx.dir, 'gw-a', DAY_FILE);
  log.access({ n: 1 });
  log.access({ n: 2 });
  t.notOk(existsSync(path) && readFileSync(path, 'utf8').length > 0, 'not written in the caller’s turn');
  await log.security({ event: 'lockout', user: 'u' });
  t.same(
    readLines(path).map((l) => parse(l)['n'] ?? parse(l)['event']),
    [1, 2, 'lockout'],
    'queued access records are written before the security event, in call order',
  );
  log.access({ n: 3 });
  await log.flush();
  t.equal(readLines(path).length, 4);
  await log.close();
});

t.test('a full queue is written synchronously (backpressure), never dropped', async (t) => {
  const fx = await fixture(t.testdir());
  const log = await fx.open({ maxPendingAccessRecords: 3 });
  const path = join(fx.dir, 'gw-a', DAY_FILE);
  for (let i = 1; i <= 7; i++) log.access({ i });
  t.same(
    readLines(path).map((l) => parse(l)['i']),
    [1, 2, 3, 4, 5, 6],
    'two full queues written in the callers’ turns',
  );
  await log.close();
  t.same(
    readLines(path).map((l) => parse(l)['i']),
    [1, 2, 3, 4, 5, 6, 7],
  );
});

t.test('unserialisable records are still recorded', async (t) => {
  const fx = await fixture(t.testdir());
  const log = await fx.open();
  const cyclic: Record<string, unknown> = { user: 'u' };
  cyclic['self'] = cyclic;
  log.access(cyclic);
  log.access({ big: 1n });
  await log.close();
  const recs = readLines(join(fx.dir, 'gw-a', DAY_FILE)).map(parse);
  t.match(recs, [
    { seq: 1, auditError: /not serialisable/, fields: ['user', 'self'] },
    { seq: 2, auditError: /BigInt/ },
  ]);
});

t.test('checkpoints every N lines and every N ms, signed, published, and at close', async (t) => {
  const fx = await fixture(t.testdir());
  const seen: Checkpoint[] = [];
  const log = await fx.open({ checkpointEveryLines: 5, checkpointEveryMs: 60_000, onCheckpoint: (cp) => void seen.push(cp) });
  for (let i = 0; i < 4; i++) log.access({ i });
  await log.flush();
  t.equal(seen.length, 0, 'not yet: 4 lines, no time passed');
  log.access({ i: 4 });
  await log.flush();
  t.match(seen, [{ instance: 'gw-a', seq: 5, file: DAY_FILE, n: 1, reason: 'interval', jws: /^[\w-]+\.[\w-]+\.[\w-]+$/ }]);
  const line5 = readLines(join(fx.dir, 'gw-a', DAY_FILE))[4] as string;
  t.equal(seen[0]?.hash, hashLine(line5));
  log.access({ i: 5 });
  await log.flush();
  t.equal(seen.length, 1);
  fx.clock.advance(60_000);
  log.access({ i: 6 });
  await log.flush();
  t.match(seen[1], { seq: 7, n: 2, time: new Date(T0 + 60_000).toISOString() });
  await log.close();
  t.match(seen[2], { seq: 7, n: 3, reason: 'close' });
  t.equal(readLines(join(fx.dir, 'gw-a', 'checkpoints.jsonl')).length, 3);
  t.same((await verifyAuditDir(fx.dir, fx.publicKeyPem)).findings, []);
});

t.test('a failing onCheckpoint is reported but does not stop logging', async (t) => {
  const fx = await fixture(t.testdir());
  const errors: unknown[] = [];
  const log = await fx.open({
    checkpointEveryLines: 1,
    onCheckpoint: () => Promise.reject(new Error('redis down')),
    onError: (err) => void errors.push(err),
  });
  await log.security({ event: 'a' });
  await log.flush();
  await log.security({ event: 'b' });
  await log.close();
  t.ok(errors.length >= 2);
  t.match(errors[0], { message: 'redis down' });
  t.same((await verifyAuditDir(fx.dir, fx.publicKeyPem)).findings, []);
});

t.test('after close, logging is refused', async (t) => {
  const fx = await fixture(t.testdir());
  const log = await fx.open();
  await log.close();
  await log.close();
  t.throws(() => log.access({}), HicError);
  await t.rejects(log.security({ event: 'x' }), { code: 'STORE_UNAVAILABLE' });
});

t.test('daily rotation at UTC midnight keeps one chain across files', async (t) => {
  const fx = await fixture(t.testdir());
  fx.clock.set(Date.UTC(2025, 11, 31, 23, 59, 59, 990));
  const log = await fx.open();
  log.access({ i: 1 });
  fx.clock.advance(9); // 23:59:59.999
  log.access({ i: 2 });
  fx.clock.advance(1); // 00:00:00.000 next year
  log.access({ i: 3 });
  await log.security({ event: 'e' });
  fx.clock.set(Date.UTC(2025, 11, 31, 23, 59, 59, 0)); // a clock stepping back never reopens yesterday
  log.access({ i: 5 });
  await log.close();
  const day1 = readLines(join(fx.dir, 'gw-a', '2025-12-31.jsonl'));
  const day2 = readLines(join(fx.dir, 'gw-a', '2026-01-01.jsonl'));
  t.same(
    day1.map((l) => parse(l)['seq']),
    [1, 2],
  );
  t.same(
    day2.map((l) => parse(l)['seq']),
    [3, 4, 5],
  );
  t.equal(parse(day2[0] as string)['prev'], hashLine(day1[1] as string));
  t.equal(parse(day2[0] as string)['time'], '2026-01-01T00:00:00.000Z');
  t.same(await verifyAuditDir(fx.dir, fx.publicKeyPem), { ok: true, files: 2, lines: 5, findings: [] });
});

t.test('a restart resumes the chain where it ended', async (t) => {
  const fx = await fixture(t.testdir());
  const first = await fx.open();
  first.access({ run: 1 });
  await first.security({ event: 'a' });
  await first.close();
  fx.clock.advance(86_400_000);
  const second = await fx.open();
  second.access({ run: 2 });
  await second.close();
  const day1 = readLines(join(fx.dir, 'gw-a', DAY_FILE));
  const day2 = readLines(join(fx.dir, 'gw-a', '2025-04-01.jsonl'));
  t.same(parse(day2[0] as string), { ...parse(day2[0] as string), seq: 3, prev: hashLine(day1[1] as string) });
  const reasons = readLines(join(fx.dir, 'gw-a', 'checkpoints.jsonl')).map((l) => {
    const jws = parse(l)['jws'] as string;
    return JSON.parse(Buffer.from(jws.split('.')[1] as string, 'base64url').toString()) as Checkpoint;
  });
  t.match(reasons, [
    { n: 1, reason: 'close', seq: 2 },
    { n: 2, reason: 'open', seq: 2 },
    { n: 3, reason: 'close', seq: 3 },
  ]);
  t.same((await verifyAuditDir(fx.dir, fx.publicKeyPem)).findings, []);
});

t.test('a line cut by a crash is reported, then discarded and recorded at restart', async (t) => {
  const fx = await fixture(t.testdir());
  const log = await fx.open();
  log.access({ i: 1 });
  await log.security({ event: 'a' });
  await log.close();
  const path = join(fx.dir, 'gw-a', DAY_FILE);
  const { appendFileSync } = await import('node:fs');
  const cut = '{"seq":3,"prev":"abc","ti';
  appendFileSync(path, cut);
  const before = await verifyAuditDir(fx.dir, fx.publicKeyPem);
  t.match(before.findings, [{ kind: 'truncated', file: `gw-a/${DAY_FILE}`, line: 3 }]);
  t.equal(before.findings.length, 1);

  const again = await fx.open();
  await again.close();
  const lines = readLines(path);
  t.equal(lines.length, 3, 'the cut bytes are gone from the file, the file ends in a newline');
  t.match(parse(lines[2] as string), {
    seq: 3,
    prev: hashLine(lines[1] as string),
    kind: 'security',
    event: 'chain-resumed',
    discarded: [{ file: DAY_FILE, bytes: cut.length, sha256: hashLine(cut), base64: Buffer.from(cut).toString('base64') }],
  });
  t.same((await verifyAuditDir(fx.dir, fx.publicKeyPem)).findings, []);
});

t.test('one instance, one writer', async (t) => {
  const fx = await fixture(t.testdir());
  const log = await fx.open();
  await t.rejects(fx.open(), { code: 'CONFIG_INVALID', message: /already open/ });
  await log.close();
  const again = await fx.open();
  await again.close();
});

t.test('options are validated, every error named', async (t) => {
  const fx = await fixture(t.testdir());
  const { publicKey } = generateKeyPairSync('ed25519');
  await t.rejects(fx.open({ instanceId: '../x', signingKey: publicKey, checkpointEveryMs: 0, maxPendingAccessRecords: 1.5 }), {
    code: 'CONFIG_INVALID',
    message: /instanceId.*signingKey.*checkpointEveryMs.*maxPendingAccessRecords/,
  });
  await t.rejects(fx.open({ signingKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }), {
    code: 'CONFIG_INVALID',
  });
});

t.test('a WebCrypto CryptoKey signs checkpoints too', async (t) => {
  const fx = await fixture(t.testdir());
  const pair = (await webcrypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const log = await fx.open({ signingKey: pair.privateKey });
  await log.security({ event: 'x' });
  await log.close();
  const pem = KeyObject.from(pair.publicKey).export({ type: 'spki', format: 'pem' }).toString();
  t.same(await verifyAuditDir(fx.dir, pem), { ok: true, files: 1, lines: 1, findings: [] });
  t.equal((await verifyAuditDir(fx.dir, fx.publicKeyPem)).findings[0]?.kind, 'bad-checkpoint', 'not with another key');
});
