import t from 'tap';
import type { LoadResult } from '../../load-tests/drivers/latency.js';
import { interleaved, medianOf, pairedRatio, roundOrder } from '../../load-tests/scenarios/types.js';

/** Only the throughput matters to the pairing figures. */
const run = (rps: number) => ({ rps }) as LoadResult;

t.test('the pair order turns round every other round, so neither target always runs second', async (t) => {
  t.same(
    [0, 1, 2, 3].map((r) => roundOrder(2, r)),
    [
      [0, 1],
      [1, 0],
      [0, 1],
      [1, 0],
    ],
  );
  t.same(roundOrder(3, 1), [2, 1, 0]);
  const calls: string[] = [];
  const [a, b] = await interleaved([async () => (calls.push('a'), run(1)), async () => (calls.push('b'), run(2))], 3);
  t.same(calls, ['a', 'b', 'b', 'a', 'a', 'b']);
  t.equal(a!.length, 3);
  t.equal(b!.length, 3);
});

t.test('the median of an even count is the mean of the two middle values, not the lower one', async (t) => {
  t.equal(medianOf([]), 0);
  t.equal(medianOf([3, 1, 2]), 2);
  t.equal(medianOf([0.8, 0.9, 1.0, 0.85]), 0.875);
});

t.test('the paired ratio is the median of per-round ratios, with the extremes', async (t) => {
  const gateway = [90, 80, 100, 95].map(run);
  const bare = [100, 100, 100, 100].map(run);
  t.same(pairedRatio(gateway, bare), { median: 0.93, min: 0.8, max: 1 });
});
