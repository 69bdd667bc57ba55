import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

/**
 * The audit line micro-benchmark (load-tests/audit/line-cost.ts, docs/performance.md) still runs: a few lines, one
 * round, every variant reported. Timings are not asserted (they depend on the machine).
 */
const SCRIPT = fileURLToPath(new URL('../../dist/load-tests/audit/line-cost.js', import.meta.url));

t.test('every variant is measured and reported in ns per line', async (t) => {
  const r = spawnSync(process.execPath, [SCRIPT, '--lines', '2048', '--rounds', '1'], { encoding: 'utf8', timeout: 120_000 });
  t.equal(r.status, 0, r.stderr);
  const rows = r.stdout.split('\n').filter((l) => / ns\/line$/.test(l));
  t.equal(rows.length, 7, r.stdout);
  t.match(r.stdout, /^audit line cost: 2048 lines x 1 rounds, batch 512, line \d+ bytes, Node v/m);
});

t.test('--only writer runs the writer alone and prints nothing (for callgrind)', async (t) => {
  const r = spawnSync(process.execPath, [SCRIPT, '--only', 'writer', '--lines', '1024'], { encoding: 'utf8', timeout: 120_000 });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, '');
});
