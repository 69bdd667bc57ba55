import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTarget } from './targets/index.js';
import type { TargetKind, TargetSpec, TargetStart } from './targets/types.js';

/** A started target as the load generator sees it. */
export interface TargetHandle {
  kind: TargetKind;
  url: string;
  /** The process serving it (this process in in-process mode). */
  pid: number;
  close(): Promise<void>;
}

/** Where and how a target runs. */
export interface LaunchOptions {
  /** Run the target in this process (tests: no compiled child script needed). Default: a child process. */
  inProcess?: boolean;
  /** Extra Node flags for the child, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  execArgv?: string[];
  /** Pin the child (all its threads) to these CPUs (`taskset -c` list, e.g. "1" or "0-1"); see pinTo. */
  cpu?: string;
}

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;

/** Starts one target; resolves with a note instead of a handle when the target is skipped (missing packages). */
export async function launch(spec: TargetSpec, opts: LaunchOptions = {}): Promise<TargetHandle | { skipped: string }> {
  if (opts.inProcess) {
    const t = await startTarget(spec);
    if ('skipped' in t) return t;
    return { kind: spec.kind, url: t.url, pid: process.pid, close: () => t.close() };
  }
  const child = fork(CHILD, [], { execArgv: opts.execArgv ?? [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  if (opts.cpu !== undefined && child.pid) pinTo(child.pid, opts.cpu);
  const started = await firstMessage(child);
  if (!started.ok) {
    await stopChild(child);
    return { skipped: started.skipped };
  }
  return { kind: spec.kind, url: started.url, pid: child.pid ?? 0, close: () => stopChild(child) };

  function firstMessage(c: ChildProcess): Promise<TargetStart> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${spec.kind}: no answer within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      c.once('message', (m) => {
        clearTimeout(timer);
        resolve(m as TargetStart);
      });
      c.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${spec.kind}: child exited with code ${code} before it was ready`));
      });
      c.send({ start: spec });
    });
  }
}

/**
 * Pins a process and all its threads to one CPU, so that where the scheduler happens to place the target, the
 * load generator and the upstream does not decide the result (on 2 cores it otherwise swings by ±30 %). Returns
 * false where `taskset` is missing (the run then goes on unpinned, and says so).
 */
export function pinTo(pid: number, cpus: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Asks the child to close (so a CPU profile gets written), then waits for it; kills it only if it hangs. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ close: true });
    else child.kill('SIGTERM');
  });
}
