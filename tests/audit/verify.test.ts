import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CompactSign } from 'jose';
import { verifyAuditDir } from '../../gateway/audit/index.js';
import { hashLine } from '../../gateway/audit/line-format.js';
import { DAY_FILE, fixture, parse, readLines, writeLines, writeSample } from './fixtures/helpers.js';

const FILE = `gw-a/${DAY_FILE}`;
const CPS = 'gw-a/checkpoints.jsonl';

async function sample(root: string) {
  const fx = await fixture(root);
  await writeSample(fx, 10);
  const path = join(fx.dir, 'gw-a', DAY_FILE);
  const verify = () => verifyAuditDir(fx.dir, fx.publicKeyPem);
  return { fx, path, cpPath: join(fx.dir, 'gw-a', 'checkpoints.jsonl'), verify };
}

t.test('an untouched log verifies clean', async (t) => {
  const { verify } = await sample(t.testdir());
  const res = await verify();
  t.same(res, { ok: true, files: 1, lines: 10, findings: [] });
});

t.test('an edited field is reported as altered on that line', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  lines[4] = (lines[4] as string).replace('"status":200', '"status":403');
  writeLines(path, lines);
  const res = await verify();
  t.equal(res.ok, false);
  t.match(res.findings, [{ kind: 'altered', file: FILE, line: 5 }]);
  t.equal(res.findings.length, 1);
});

t.test('an edit of the last line is caught by the close checkpoint', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  lines[9] = (lines[9] as string).replace('u10', 'u99');
  writeLines(path, lines);
  const res = await verify();
  t.match(res.findings, [{ kind: 'altered', file: FILE, line: 10 }]);
  t.equal(res.findings.length, 1);
});

t.test('an edited prev field is blamed on the edited line', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  const rec = parse(lines[6] as string);
  rec['prev'] = 'f'.repeat(64);
  lines[6] = JSON.stringify(rec);
  writeLines(path, lines);
  const res = await verify();
  t.match(res.findings, [{ kind: 'altered', file: FILE, line: 7 }]);
  t.equal(res.findings.length, 1);
});

t.test('a deleted line is reported where it was', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  lines.splice(4, 1); // seq 5
  writeLines(path, lines);
  const res = await verify();
  t.match(res.findings, [{ kind: 'deleted', file: FILE, line: 5, detail: /seq 5 is missing/ }]);
  t.equal(res.findings.length, 1);
});

t.test('a deleted first line is reported at line 1', async (t) => {
  const { path, verify } = await sample(t.testdir());
  writeLines(path, readLines(path).slice(1));
  const res = await verify();
  t.match(res.findings, [{ kind: 'deleted', file: FILE, line: 1 }]);
});

t.test('an inserted copy of an earlier line is reported as inserted', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  lines.splice(6, 0, lines[2] as string); // seq 3 again, after seq 6
  writeLines(path, lines);
  const res = await verify();
  t.match(res.findings, [{ kind: 'inserted', file: FILE, line: 7 }]);
  t.equal(res.findings.length, 1);
});

t.test('an inserted copy of a later line is reported as inserted', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  lines.splice(2, 0, lines[7] as string); // seq 8, after seq 2
  writeLines(path, lines);
  const res = await verify();
  t.match(res.findings, [{ kind: 'inserted', file: FILE, line: 3 }]);
  t.equal(res.findings.length, 1);
});

t.test('a forged line with a well-computed seq and prev is reported as inserted', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  const before = parse(lines[4] as string);
  const forged = JSON.stringify({
    seq: (before['seq'] as number) + 1,
    prev: hashLine(lines[4] as string),
    time: before['time'],
    instance: 'gw-a',
    kind: 'access',
    user: 'intruder',
  });
  lines.splice(5, 0, forged);
  writeLines(path, lines);
  const res = await verify();
  t.match(res.findings, [{ kind: 'inserted', file: FILE, line: 6 }]);
  t.equal(res.findings.length, 1);
});

t.test('a line without chain fields, and garbage, are reported', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  lines.splice(3, 0, '{"user":"x","kind":"access"}');
  lines.splice(7, 0, 'not json');
  writeLines(path, lines);
  const res = await verify();
  t.match(res.findings, [
    { kind: 'inserted', file: FILE, line: 4 },
    { kind: 'unparsable', file: FILE, line: 8 },
  ]);
  t.equal(res.findings.length, 2);
});

t.test('two swapped lines are reported as reordered', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  [lines[3], lines[4]] = [lines[4] as string, lines[3] as string];
  writeLines(path, lines);
  const res = await verify();
  t.match(res.findings, [{ kind: 'reordered', file: FILE, line: 4 }]);
  t.equal(res.findings.length, 1);
});

t.test('two distant swapped lines are reported as reordered', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  [lines[1], lines[6]] = [lines[6] as string, lines[1] as string];
  writeLines(path, lines);
  const res = await verify();
  t.ok(res.findings.length > 0);
  t.ok(res.findings.every((f) => f.kind === 'reordered' && f.file === FILE));
  t.ok(res.findings.some((f) => f.line === 2));
  t.ok(res.findings.some((f) => f.line === 7));
});

t.test('a cut tail (whole lines) is reported as truncated by the last checkpoint', async (t) => {
  const { path, verify } = await sample(t.testdir());
  writeLines(path, readLines(path).slice(0, 7));
  const res = await verify();
  t.match(res.findings, [{ kind: 'truncated', file: FILE, line: 8, detail: /attests seq 10 but the chain ends at seq 7/ }]);
  t.equal(res.findings.length, 1);
});

t.test('a tail cut mid-line is reported as truncated on that line', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const size = readFileSync(path).length;
  truncateSync(path, size - 20);
  const res = await verify();
  t.match(res.findings, [{ kind: 'truncated', file: FILE, line: 10 }]);
  t.equal(res.findings.length, 1);
});

t.test('a modified checkpoint payload is a bad checkpoint', async (t) => {
  const { cpPath, verify } = await sample(t.testdir());
  const cps = readLines(cpPath);
  const last = cps.length - 1;
  const [h, p, s] = (parse(cps[last] as string)['jws'] as string).split('.');
  const payload = JSON.parse(Buffer.from(p as string, 'base64url').toString()) as Record<string, unknown>;
  payload['seq'] = 3;
  const forged = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
  cps[last] = JSON.stringify({ jws: forged });
  writeLines(cpPath, cps);
  const res = await verify();
  t.match(res.findings, [{ kind: 'bad-checkpoint', file: CPS, line: last + 1, detail: /signature/ }]);
  t.equal(res.findings.length, 1);
});

t.test('a checkpoint signed by another key is a bad checkpoint', async (t) => {
  const { path, cpPath, verify } = await sample(t.testdir());
  const lines = readLines(path);
  writeLines(path, lines.slice(0, 5)); // cut the tail, then try to cover it up with a forged checkpoint
  const { privateKey } = generateKeyPairSync('ed25519');
  const payload = { instance: 'gw-a', seq: 5, hash: hashLine(lines[4] as string), file: DAY_FILE, time: 'x', n: 99, reason: 'close' };
  const jws = await new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', typ: 'hic-audit-checkpoint' })
    .sign(privateKey);
  appendFileSync(cpPath, `${JSON.stringify({ jws })}\n`);
  const res = await verify();
  const n = readLines(cpPath).length;
  t.match(res.findings, [
    { kind: 'bad-checkpoint', file: CPS, line: n },
    { kind: 'truncated', file: FILE, line: 6 },
  ]);
});

t.test('a deleted or replayed checkpoint is reported', async (t) => {
  const fx = await fixture(t.testdir());
  const log = await fx.open({ checkpointEveryLines: 2 });
  for (let i = 0; i < 8; i++) log.access({ i });
  await log.flush();
  for (let i = 0; i < 8; i++) await log.security({ event: 'e', i });
  await log.close();
  const cpPath = join(fx.dir, 'gw-a', 'checkpoints.jsonl');
  const cps = readLines(cpPath);
  t.ok(cps.length >= 4, `${cps.length} checkpoints`);
  t.same((await verifyAuditDir(fx.dir, fx.publicKeyPem)).findings, []);

  writeLines(cpPath, [...cps.slice(0, 1), ...cps.slice(2)]);
  const deleted = await verifyAuditDir(fx.dir, fx.publicKeyPem);
  t.match(deleted.findings, [{ kind: 'deleted', file: CPS, line: 2, detail: /#2 missing/ }]);

  writeLines(cpPath, [...cps, cps[1] as string]);
  const replayed = await verifyAuditDir(fx.dir, fx.publicKeyPem);
  t.match(replayed.findings, [{ kind: 'bad-checkpoint', file: CPS, line: cps.length + 1, detail: /replayed/ }]);
});

t.test('a line appended after the close checkpoint is reported as inserted', async (t) => {
  const { path, verify } = await sample(t.testdir());
  const lines = readLines(path);
  const last = parse(lines[9] as string);
  lines.push(
    JSON.stringify({ seq: 11, prev: hashLine(lines[9] as string), time: last['time'], instance: 'gw-a', kind: 'access', user: 'x' }),
  );
  writeLines(path, lines);
  const res = await verify();
  t.match(res.findings, [{ kind: 'inserted', file: FILE, line: 11, detail: /close checkpoint/ }]);
  t.equal(res.findings.length, 1);
});

t.test('a deleted checkpoint file and a deleted day file are reported', async (t) => {
  const fx = await fixture(t.testdir());
  const log = await fx.open();
  log.access({ day: 1 });
  fx.clock.advance(86_400_000);
  log.access({ day: 2 });
  fx.clock.advance(86_400_000);
  log.access({ day: 3 });
  await log.close();
  const day2 = join(fx.dir, 'gw-a', '2025-04-01.jsonl');
  writeFileSync(day2, '');
  const res = await verifyAuditDir(fx.dir, fx.publicKeyPem);
  t.match(res.findings, [{ kind: 'gap', file: 'gw-a/2025-04-02.jsonl', line: 1, detail: /seq 2 is missing/ }]);
  writeFileSync(join(fx.dir, 'gw-a', 'checkpoints.jsonl'), '');
  const { rmSync } = await import('node:fs');
  rmSync(join(fx.dir, 'gw-a', 'checkpoints.jsonl'));
  const res2 = await verifyAuditDir(fx.dir, fx.publicKeyPem);
  t.match(res2.findings, [{ kind: 'deleted', file: CPS, line: 0 }]);
});
