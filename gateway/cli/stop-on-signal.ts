import type { ShutdownReport } from '../lifecycle/shutdown.js';

export interface StopOptions {
  /** The whole shutdown is bounded by this (the config's `server.shutdownTimeoutSeconds`): past it, exit 1. */
  timeoutMs: number;
  /**
   * Signals that start the shutdown. A cluster worker listens for SIGTERM only: Ctrl-C reaches the whole process
   * group, and the primary turns it into one SIGTERM per worker, so a worker must not count it as its second signal.
   */
  signals?: NodeJS.Signals[];
  write?: (line: string) => void;
}

/**
 * Graceful shutdown on a signal (issue 14): the first one drains and exits 0 (1 when connections had to be cut);
 * a second one exits at once with 1, and so does a shutdown that overruns `timeoutMs`. Found before: a gateway said
 * "SIGTERM, shutting down" and ran on, because `server.close()` waited for a connection nothing would end (a
 * WebSocket, a TCP connection still in its TLS handshake), and its second SIGTERM was ignored.
 */
export function stopOnSignal(close: () => Promise<ShutdownReport | void>, opts: StopOptions): void {
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) {
      write(`hic: ${signal} again: exiting at once\n`);
      process.exit(1);
    }
    closing = true;
    write(`hic: ${signal}, shutting down (requests in flight get up to ${opts.timeoutMs / 1000} s; a second ${signal} stops at once)\n`);
    setTimeout(() => {
      write(`hic: shutdown did not finish within ${opts.timeoutMs / 1000} s; exiting\n`);
      process.exit(1);
    }, opts.timeoutMs);
    close().then(
      (report) => {
        if (report)
          write(
            `hic: stopped in ${report.totalMs} ms (drain ${report.ms} ms; ${report.websockets} WebSocket(s) closed with 1001; ${report.cut} connection(s) cut${report.drained ? '' : ' at the deadline'})\n`,
          );
        process.exit(report && !report.drained ? 1 : 0);
      },
      (err: unknown) => {
        write(`hic: shutdown failed: ${String((err as Error)?.message ?? err)}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of opts.signals ?? ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal));
}

/** In a cluster worker: Ctrl-C's SIGINT is the primary's to handle (it sends this worker SIGTERM). */
export function ignoreGroupInterrupt(): void {
  process.on('SIGINT', () => {});
}
