/**
 * The audit access record's own cost per line (issue 14 item 8), measured as CPU time of this process
 * (`process.cpuUsage`, user + system) over many lines, so other load on the machine does not count: each variant
 * runs `--rounds` rounds of `--lines` lines after a warm-up, and the median round is reported in ns per line.
 *
 *   node dist/load-tests/audit/line-cost.js [--lines 100000] [--rounds 7] [--batch 512]
 *
 * For instruction counts, which no other load on the machine changes: `--only writer` runs today's writer once
 * over `--lines` lines and nothing else; run it under `valgrind --tool=callgrind` at two line counts and divide the
 * difference of the totals by the difference of the counts (start-up and JIT warm-up cancel out):
 *
 *   valgrind --tool=callgrind --callgrind-out-file=/dev/null node dist/load-tests/audit/line-cost.js --only writer --lines 20000
 *
 * Variants:
 * - `encodeBody`: the record's JSON.stringify, done when a request logs it;
 * - `ChainWriter.append`: what the batch write does per line today (envelope, UTF-8 into the batch buffer, SHA-256
 *   of each line, hex, one write(2) per batch to a real file);
 * - `… without the per-line hash`: the same bytes written, no hash at all (what hashing costs in all);
 * - `… one SHA-256 per batch`: the same bytes, hashed once per batch: the least any batch-chained format
 *   (one chain hash per write batch) could cost; the saving over today is the most such a format could give;
 * - the raw SHA-256 calls, per line and over a whole batch (bytes hashed alike, calls differ).
 */
import { createHash, hash as oneShot } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ChainWriter, type PendingLine } from '../../gateway/audit/chain-writer.js';
import { composeLine, encodeBody, hashLine } from '../../gateway/audit/line-format.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '7' },
    batch: { type: 'string', default: '512' },
    only: { type: 'string' },
  },
});
const LINES = Number(values.lines);
const ROUNDS = Number(values.rounds);
const BATCH = Number(values.batch);

/** Access records shaped like the gateway's (access-record.ts): SHA-256 session id and fingerprint, a path, a query. */
function record(i: number): Record<string, unknown> {
  return {
    user: `analyst${i % 400}`,
    session: createHash('sha256')
      .update(`s${i % 50}`)
      .digest('hex'),
    project: 'study-001',
    terminal: createHash('sha256')
      .update(`t${i % 20}`)
      .digest('hex'),
    address: `10.3.1.${i % 250}`,
    method: 'GET',
    path: `/api/contents/work/notebook-${i % 100}.ipynb`,
    query: i % 3 === 0 ? 'content=0' : '',
    status: 200,
    bytesIn: 612,
    bytes: 1024 + (i % 17),
    durationMs: 1.234,
    reason: 'allowed',
  };
}

const records = Array.from({ length: 1000 }, (_, i) => record(i));
const TIME = '2026-11-27T12:00:00.123Z';
const pending: PendingLine[] = records.map((r) => ({ kind: 'access', time: TIME, body: encodeBody(r) }));
const dir = mkdtempSync(join(tmpdir(), 'hic-line-cost-'));
let sink = 0;

/** Median CPU ns per line over the rounds, after one warm-up round. */
function measure(run: () => void): number {
  run();
  const perLine: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    perLine.push(((used.user + used.system) * 1000) / LINES);
  }
  perLine.sort((a, b) => a - b);
  return perLine[Math.floor(perLine.length / 2)] as number;
}

/** Batches of PendingLine as the audit log hands them to the writer. */
function batches(): PendingLine[][] {
  const out: PendingLine[][] = [];
  for (let i = 0; i < LINES; i += BATCH) {
    const b: PendingLine[] = [];
    for (let j = i; j < Math.min(LINES, i + BATCH); j++) b.push(pending[j % pending.length] as PendingLine);
    out.push(b);
  }
  return out;
}
const prepared = batches();

/** Today's writer, to a real file (a new one per round; closed at the end, fsync included, outside the rounds). */
const writers: ChainWriter[] = [];
function chainWriter(): void {
  const w = new ChainWriter(mkdtempSync(join(dir, 'w-')), '"gw-bench"', null);
  writers.push(w);
  for (const b of prepared) w.append(b);
}

/**
 * The same bytes as ChainWriter (envelope, UTF-8 into one buffer, write(2) per batch) with the hashing replaced:
 * `line`: SHA-256 per line (as today), `batch`: one SHA-256 over each batch, `none`: no hash.
 */
function sameBytes(hashing: 'line' | 'batch' | 'none'): () => void {
  return () => {
    const fd = openSync(join(dir, `b-${hashing}.jsonl`), 'w', 0o600);
    let buf = Buffer.allocUnsafe(1024 * 1024);
    let seq = 0;
    let prev = '0'.repeat(64);
    for (const b of prepared) {
      let used = 0;
      for (const line of b) {
        seq += 1;
        const text = composeLine(seq, prev, line.time, '"gw-bench"', line.kind, line.body);
        if (buf.length - used < text.length * 3 + 1) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, used);
          buf = bigger;
        }
        const end = used + buf.write(text, used, 'utf8');
        if (hashing === 'line') prev = hashLine(buf.subarray(used, end));
        buf[end] = 0x0a;
        used = end + 1;
      }
      if (hashing === 'batch') prev = hashLine(buf.subarray(0, used));
      writeSync(fd, buf, 0, used);
    }
    closeSync(fd);
  };
}

if (values.only !== undefined) {
  if (values.only !== 'writer') throw new Error('--only takes: writer');
  chainWriter();
  await Promise.all(writers.map((w) => w.close()));
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

const sample = Buffer.from(composeLine(1, '0'.repeat(64), TIME, '"gw-bench"', 'access', pending[0]!.body));
const batchBytes = Buffer.alloc(sample.length * BATCH, sample);

const results: [string, number][] = [
  [
    'encodeBody (JSON.stringify of the record)',
    measure(() => {
      for (let i = 0; i < LINES; i++) sink += encodeBody(records[i % records.length]!).length;
    }),
  ],
  ['ChainWriter.append (today: envelope, UTF-8, SHA-256 per line, write)', measure(chainWriter)],
  ['  same bytes, SHA-256 per line (replica of today)', measure(sameBytes('line'))],
  ['  same bytes, one SHA-256 per batch', measure(sameBytes('batch'))],
  ['  same bytes, no hash', measure(sameBytes('none'))],
  [
    `SHA-256 of one ${sample.length}-byte line, hex (crypto.hash)`,
    measure(() => {
      for (let i = 0; i < LINES; i++) sink += oneShot('sha256', sample, 'hex').length;
    }),
  ],
  [
    `SHA-256 of ${BATCH} such lines at once, per line`,
    measure(() => {
      for (let i = 0; i < LINES; i += BATCH) sink += oneShot('sha256', batchBytes, 'hex').length;
    }),
  ],
];
await Promise.all(writers.map((w) => w.close()));
rmSync(dir, { recursive: true, force: true });

console.log(`audit line cost: ${LINES} lines x ${ROUNDS} rounds, batch ${BATCH}, line ${sample.length} bytes, Node ${process.version}`);
for (const [name, ns] of results) console.log(`${name.padEnd(72)} ${ns.toFixed(0).padStart(6)} ns/line`);
if (sink === 0) console.log('');
