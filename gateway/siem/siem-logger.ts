import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { pino, type Logger } from 'pino';
import type { GatewayConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';

/** The SIEM copy of the audit stream. */
export interface SiemLogger {
  /** Hands one record to the transport thread; never blocks on the collector. */
  write(kind: 'access' | 'security', record: Record<string, unknown>): void;
  /** Flushes and ends the transport (graceful shutdown). */
  close(): Promise<void>;
}

type SiemConfig = NonNullable<GatewayConfig['audit']['siem']>;

/** Longest wait for the transport thread at shutdown. */
const CLOSE_MS = 5_000;

/**
 * Opens the SIEM export (issue 5 item 7): a pino logger whose transports run in a worker thread — `pino/file`
 * for a JSON-lines file, this package's `syslog-transport` for RFC 5424 syslog. The audit log stays the
 * evidence; this is a copy for the security team's tools, so a failing transport is reported and never stops
 * the gateway. Each line: `{"level":30,"time":"<ISO>","instance":"...","kind":"security","event":...}`.
 */
export function openSiemLogger(cfg: SiemConfig, instance: string, clock: Clock, onError: (err: unknown) => void): SiemLogger {
  const targets: { target: string; options: Record<string, unknown> }[] = [];
  if (cfg.file) targets.push({ target: 'pino/file', options: { destination: cfg.file, mkdir: true } });
  if (cfg.syslog) {
    targets.push({ target: transportPath(), options: { ...cfg.syslog, hostname: hostname(), procId: instance } });
  }
  if (targets.length === 0) return { write: () => {}, close: async () => {} };
  const transport = pino.transport({ targets });
  transport.on('error', onError);
  const logger: Logger = pino(
    {
      base: { instance },
      // The audit log's clock (LOG-5), not the transport thread's.
      timestamp: () => `,"time":"${new Date(clock.now()).toISOString()}"`,
    },
    transport,
  );
  return {
    write: (kind, record) => logger.info({ kind, ...record }),
    close: () =>
      new Promise<void>((resolve) => {
        // The worker exits once its destinations have flushed; thread-stream emits 'close' only in some paths, so
        // wait for whichever comes first (bounded: a stuck collector must not hold the shutdown).
        const stream = transport as unknown as { ref(): void; worker?: Worker };
        const timer = setTimeout(resolve, CLOSE_MS);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        stream.ref();
        transport.once('close', done);
        stream.worker?.once('exit', done);
        transport.end();
      }),
  };
}

/** The compiled transport next to this file; from TypeScript sources (tests) it does not exist, say so plainly. */
function transportPath(): string {
  const path = fileURLToPath(new URL('./syslog-transport.js', import.meta.url));
  if (!existsSync(path)) throw new Error(`SIEM syslog transport not built: ${path} (run npm run build)`);
  return path;
}
