import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { ChainWriter, type PendingLine } from '../../gateway/audit/chain-writer.js';
import { GENESIS, composeLine, hashLine, lineBytesAtMost, writeLine } from '../../gateway/audit/line-format.js';

/**
 * Issue 14 item 8: the writer tells a line of the batch's day by its time's prefix and builds a file name only for
 * another day. One append holding several days must still split exactly where the old per-line file names did.
 */
const line = (time: string, i: number): PendingLine => ({ kind: 'access', time, body: `{"i":${i}}` });

t.test('one append across days: later days open new files, an earlier day (clock stepped back) stays put', async (t) => {
  const dir = t.testdir();
  const w = new ChainWriter(dir, '"gw-t"', null);
  w.append([
    line('2026-01-01T23:59:59.999Z', 1),
    line('2026-01-01T23:59:59.999Z', 2),
    line('2025-12-31T23:59:59.000Z', 3), // the clock stepped back across midnight: never reopens yesterday
    line('2026-01-02T00:00:00.000Z', 4),
    line('2026-01-01T12:00:00.000Z', 5),
    line('2026-01-03T00:00:00.000Z', 6),
  ]);
  await w.close();
  const read = (f: string) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean);
  const d1 = read('2026-01-01.jsonl');
  const d2 = read('2026-01-02.jsonl');
  const d3 = read('2026-01-03.jsonl');
  t.same(
    d1.map((l) => JSON.parse(l).i),
    [1, 2, 3],
  );
  t.same(
    d2.map((l) => JSON.parse(l).i),
    [4, 5],
  );
  t.same(
    d3.map((l) => JSON.parse(l).i),
    [6],
  );
  const all = [...d1, ...d2, ...d3];
  all.forEach((l, k) => {
    t.equal(JSON.parse(l).seq, k + 1);
    t.equal(JSON.parse(l).prev, k === 0 ? GENESIS : hashLine(all[k - 1] as string));
  });
  t.same(w.tip, { seq: 6, hash: hashLine(all[5] as string), file: '2026-01-03.jsonl' });
});

t.test('a line written into the batch buffer is byte for byte the composed line', async (t) => {
  const bodies = ['{}', '{"user":"carol","path":"/a b","reason":"allowed"}', '{"note":"日本語 ✓ \\u0000","n":1}', '{"x":"😀"}'];
  for (const body of bodies) {
    for (const seq of [1, 12345, Number.MAX_SAFE_INTEGER]) {
      const time = '2026-11-27T15:00:00.123Z';
      const buf = Buffer.alloc(lineBytesAtMost(time, '"gw-t"', body) + 8, 0xff);
      const end = writeLine(buf, 3, seq, GENESIS, time, '"gw-t"', 'access', body);
      const expected = Buffer.from(composeLine(seq, GENESIS, time, '"gw-t"', 'access', body), 'utf8');
      t.same(buf.subarray(3, end), expected, `${body} at seq ${seq}`);
      t.ok(end <= buf.length - 8, 'within the room it asked for');
    }
  }
});
