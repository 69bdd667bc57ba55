import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { verifyAuditDir, readAuditLines } from '../../gateway/audit/index.js';
import { fixture } from './fixtures/helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
/** Ticks to see acknowledged before the kill: enough for several checkpoints and batches to be in flight. */
const TICKS = 150;

/** Starts the child with the TypeScript loader tap gave this process, without tap's own instrumentation. */
function startChild(dir: string, keyDir: string) {
  const loader = process.execArgv.filter((a) => a.includes('@tapjs/typescript') || a.includes('tsx'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_OPTIONS' && !k.startsWith('_TAPJS')));
  return spawn(process.execPath, [...loader, CHILD, dir, keyDir], { env, stdio: ['ignore', 'pipe', 'inherit'] });
}

t.test('SIGKILL mid-write: every acknowledged security event is on disk, the chain verifies, a restart resumes', async (t) => {
  const fx = await fixture(t.testdir());
  const child = startChild(fx.dir, fx.keyDir);
  const acknowledged: number[] = [];
  let buffered = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const p of parts) acknowledged.push(Number(p));
    if (acknowledged.length >= TICKS && child.exitCode === null && !child.killed) child.kill('SIGKILL');
  });
  const signal = await exited;
  t.equal(signal, 'SIGKILL', 'the child was killed, not finished');
  t.ok(acknowledged.length >= TICKS, `${acknowledged.length} events acknowledged before the kill`);

  const ticks = new Set<number>();
  for await (const { entry } of readAuditLines(fx.dir, { instance: 'crash', kind: 'security' })) {
    if (entry['event'] === 'tick') ticks.add(entry['n'] as number);
  }
  const lost = acknowledged.filter((n) => !ticks.has(n));
  t.same(lost, [], 'no acknowledged security event is missing');

  const res = await verifyAuditDir(fx.dir, fx.publicKeyPem);
  t.ok(res.lines > TICKS * 26 - 1, `${res.lines} lines`);
  // SIGKILL cannot cut a write(2) to a regular file in half, so a partial line is not expected; if one were
  // there it must be the very last line, reported as truncated.
  t.ok(res.findings.length <= 1, JSON.stringify(res.findings));
  for (const f of res.findings) t.match(f, { kind: 'truncated', file: /^crash\// });

  const log = await fx.open({ instanceId: 'crash' });
  await log.security({ event: 'after-crash' });
  await log.close();
  t.same((await verifyAuditDir(fx.dir, fx.publicKeyPem)).findings, [], 'clean after the restart');
});
