import cluster, { type Worker } from 'node:cluster';
import { availableParallelism, hostname } from 'node:os';
import { validateConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/types.js';
import { UsageError } from './command.js';

/** The primary hands the final config to its workers here (JSON), so they never redo the demo's one-time work. */
const CONFIG_ENV = 'HIC_CLUSTER_CONFIG';
/** A worker's slot, 1..N: stable across restarts, so a restarted worker continues its own audit chain. */
const SLOT_ENV = 'HIC_WORKER_SLOT';
/** A worker that dies this soon after it was forked, before listening, is a start-up failure, not a crash. */
const RESTART_AFTER_MS = 5_000;

/**
 * How many workers `hic start` runs. Default: one per core. The memory store lives inside one process, so with
 * it a second worker would not know the sessions of the first: an explicit `--workers N` above 1 is refused,
 * the default falls back to 1 with a note.
 */
export function resolveWorkers(flag: unknown, config: GatewayConfig, note: (line: string) => void): number {
  const explicit = flag !== undefined;
  const n = explicit ? Number(flag) : availableParallelism();
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--workers: a whole number from 1 to 256, not "${String(flag)}"`);
  if (n > 1 && config.store.kind !== 'redis') {
    const why = 'the memory store lives in one process, so sessions made in one worker would be unknown to the others';
    if (explicit) throw new UsageError(`--workers ${n} needs the Redis store (REDIS_URL or store.kind: redis): ${why}`);
    note(`hic: running 1 worker: ${why} (set REDIS_URL to use every core)\n`);
    return 1;
  }
  return n;
}

/** True in a process forked by {@link runPrimary}. */
export function isClusterWorker(): boolean {
  return cluster.isWorker && process.env[CONFIG_ENV] !== undefined;
}

/**
 * In a worker: the config the primary prepared, with an audit instance of the worker's own
 * (`<instanceId or hostname>-w<slot>`): two processes must never write one hash chain.
 */
export function workerConfig(): GatewayConfig {
  const config = validateConfig(JSON.parse(process.env[CONFIG_ENV]!), { checkFiles: false });
  const base = (config.audit.instanceId ?? hostname()).replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 56);
  return { ...config, audit: { ...config.audit, instanceId: `${base}-w${process.env[SLOT_ENV]}` } };
}

/**
 * The primary: forks `n` workers (each runs the whole gateway on the shared port; node:cluster hands out
 * connections round-robin), restarts a worker that crashes (same slot), and on SIGINT/SIGTERM stops them all
 * gracefully. Resolves with the exit code once every worker is gone; `ready` runs once all are listening.
 */
export function runPrimary(
  n: number,
  config: GatewayConfig,
  hooks: { ready(port: number): void; stopped(): Promise<void> },
): Promise<number> {
  return new Promise((resolve) => {
    let closing = false;
    let failed = false;
    let finished = false;
    let listening = 0;
    let readied = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      // A shutdown step that fails is a failed exit, never an unhandled rejection.
      hooks.stopped().then(
        () => resolve(failed ? 1 : 0),
        () => resolve(1),
      );
    };
    const bySlot = new Map<number, Worker>();
    const fork = (slot: number) => {
      const worker = cluster.fork({ [CONFIG_ENV]: JSON.stringify(config), [SLOT_ENV]: String(slot) });
      const forkedAt = Date.now();
      let up = false;
      bySlot.set(slot, worker);
      // With port 0 the primary picks one port for all workers: the address tells which (for the printed URL).
      worker.on('listening', (address) => {
        up = true;
        if (++listening === n && !readied) {
          readied = true;
          hooks.ready(address.port);
        }
      });
      worker.on('exit', (code, signal) => {
        bySlot.delete(slot);
        if (!closing && !up && Date.now() - forkedAt < RESTART_AFTER_MS) {
          process.stderr.write(`hic: worker ${slot} failed to start (exit ${code ?? signal}); stopping\n`);
          failed = true;
          stop();
        } else if (!closing && code !== 0) {
          process.stderr.write(`hic: worker ${slot} died (exit ${code ?? signal}); restarting it\n`);
          if (up) listening--;
          fork(slot);
        }
        if (bySlot.size === 0 && closing) finish();
      });
    };
    const stop = () => {
      if (closing) {
        // A second signal: stop at once (each worker bounds its own graceful shutdown otherwise).
        process.stderr.write('hic: second signal: stopping the workers at once\n');
        failed = true;
        for (const worker of bySlot.values()) worker.process.kill('SIGKILL');
        return;
      }
      closing = true;
      // Each worker closes gracefully on SIGTERM (audit flushed, store closed; see cmd-start.ts).
      for (const worker of bySlot.values()) worker.process.kill('SIGTERM');
      if (bySlot.size === 0) finish();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    for (let slot = 1; slot <= n; slot++) fork(slot);
  });
}
