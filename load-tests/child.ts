import { startTarget } from './targets/index.js';
import type { RunningTarget, TargetSpec, TargetStart } from './targets/types.js';

/**
 * Child-process entry: one target per process, so that a target's CPU time is its own and the load generator
 * (the parent) never shares an event loop with what it measures. Protocol over IPC: the parent sends
 * `{ start: TargetSpec }`, the child answers one TargetStart; `{ close: true }` closes and exits (which also
 * writes a CPU profile when the child runs under --cpu-prof).
 */
let running: RunningTarget | null = null;

process.on('message', (msg: { start?: TargetSpec; close?: boolean }) => {
  if (msg.start) {
    startTarget(msg.start).then(
      (t) => {
        if ('skipped' in t) return reply({ ok: false, skipped: t.skipped });
        running = t;
        return reply({ ok: true, url: t.url });
      },
      (err: unknown) => {
        process.stderr.write(`load-tests child: ${String((err as Error)?.stack ?? err)}\n`);
        process.exit(1);
      },
    );
  } else if (msg.close) {
    const done = () => process.exit(0);
    (running ? running.close() : Promise.resolve()).then(done, done);
  }
});

process.on('disconnect', () => process.exit(0));

function reply(start: TargetStart): void {
  process.send?.(start);
}
