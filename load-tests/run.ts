import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startBench, type BenchOptions } from './bench.js';
import { machine, ratioLine, reportMarkdown, scenarioMarkdown, writeReport, type BenchReport } from './report.js';
import { SCENARIOS, quickRun } from './scenarios/index.js';
import type { Timing } from './scenarios/types.js';

/**
 * `npm run bench` — every scenario, results written to load-tests/results/<date>.{json,md}.
 * `npm run bench -- --quick` — the small-page scenario only (under two minutes); the last line of stdout is
 * `ratio gateway/bare = 0.NN` (scripts read it). Progress goes to stderr.
 * Options: --only id,id (subset of scenarios; written as <date>-only-<ids>.*), --duration S, --rounds N,
 * --profile DIR (bare proxy and gateway under --cpu-prof), --no-pin (leave CPU placement to the scheduler).
 */
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    only: { type: 'string' },
    duration: { type: 'string' },
    rounds: { type: 'string' },
    profile: { type: 'string' },
    'no-pin': { type: 'boolean' },
  },
});

const log = (line: string) => process.stderr.write(`${line}\n`);
const RESULTS_DIR = fileURLToPath(new URL('../../load-tests/results/', import.meta.url));

async function main(): Promise<void> {
  const quick = values.quick === true;
  const timing: Timing = {
    // Long enough for V8 to settle on its optimised code: with 2 s, which target ran faster flipped between runs.
    warmupS: quick ? 5 : 8,
    durationS: Number(values.duration ?? (quick ? 3 : 5)),
    rounds: Number(values.rounds ?? (quick ? 8 : 10)),
  };
  const opts: BenchOptions = quick
    ? { terminals: 1, sessions: 5, stormUsers: 0, log }
    : { terminals: 20, sessions: 200, stormUsers: 400, log };
  if (values['no-pin']) opts.pin = false;
  if (typeof values.profile === 'string') opts.profileExecArgv = ['--cpu-prof', `--cpu-prof-dir=${values.profile}`];
  const bench = await startBench(opts);
  let last: string;
  try {
    if (quick) {
      const result = await quickRun(bench, timing, log);
      process.stdout.write(scenarioMarkdown(result) + '\n');
      last = ratioLine(result);
    } else {
      const only = typeof values.only === 'string' ? values.only.split(',') : null;
      const date = new Date().toISOString().slice(0, 10);
      const report: BenchReport = { date, machine: machine(), scenarios: [] };
      for (const [id, scenario] of Object.entries(SCENARIOS)) {
        if (only && !only.includes(id)) continue;
        log(`scenario ${id}`);
        report.scenarios.push(await scenario(bench, timing, log));
      }
      const files = writeReport(RESULTS_DIR, report, only ? `${date}-only-${only.join('-')}` : date);
      process.stdout.write(reportMarkdown(report) + '\n');
      log(`written: ${files.json}, ${files.md}`);
      const small = report.scenarios.find((s) => s.id === 'small-page');
      last = small ? ratioLine(small) : '';
    }
  } finally {
    await bench.close();
  }
  if (last) process.stdout.write(`${last}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`bench failed: ${String((err as Error)?.stack ?? err)}`);
    process.exit(1);
  },
);
