import t from 'tap';
import { startBench } from '../../load-tests/bench.js';
import { ratioLine } from '../../load-tests/report.js';
import { quickRun } from '../../load-tests/scenarios/index.js';
import { REDIS_URL } from '../helpers/redis.js';

/**
 * The machinery of `npm run bench -- --quick`, with very short runs (about ten seconds in all) against targets
 * started in this process: every target answers 2xx with no errors, and the closing line has the format scripts
 * read. Timings are not asserted (the bench reports them; see docs/performance.md).
 */
const bench = await startBench({ inProcess: true, redisUrl: REDIS_URL, terminals: 1, sessions: 2, stormUsers: 0 });
t.teardown(() => bench.close());

t.test('the small-page scenario runs against every target', async (t) => {
  const result = await quickRun(bench, { warmupS: 0.25, durationS: 0.25, rounds: 1 }, () => {});
  const targets = result.rows.map((r) => r.target);
  for (const name of ['upstream (plain HTTP, reference)', 'bare', 'gateway', 'bare, 1 connection', 'gateway, 1 connection']) {
    t.ok(targets.includes(name), `${name} measured`);
  }
  t.equal(targets.includes('express'), bench.express !== null, 'express measured when its packages are installed');
  for (const row of result.rows) {
    t.ok(row.responses > 0, `${row.target}: answered`);
    t.equal(row.non2xx, 0, `${row.target}: only 2xx`);
    t.equal(row.errors, 0, `${row.target}: no errors`);
  }
  t.match(ratioLine(result), /^ratio gateway\/bare = \d\.\d\d$/);
});
