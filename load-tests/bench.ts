import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, pinTo, type TargetHandle } from './fleet.js';
import { makeBenchPki, type BenchPki } from './pki.js';
import { benchPrefix, dropPrefix } from './redis-prefix.js';
import { seedGateway, type SeedResult } from './seed.js';
import { expressLogin, gatewayLogin } from './sessions.js';

/** The redis-server the bench uses unless told otherwise (the test suite's too). */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** What to start and how many identities to make. */
export interface BenchOptions {
  /** Targets in this process instead of child processes (tests). */
  inProcess?: boolean;
  redisUrl?: string;
  /** Terminal certificates to make and register. */
  terminals: number;
  /** Logged-in sessions to make on the gateway and on the express alternative (spread over the terminals). */
  sessions: number;
  /** Production-cost users for the login storm. */
  stormUsers: number;
  /** Node flags for the bare-proxy and gateway children, e.g. --cpu-prof (compare the two profiles). */
  profileExecArgv?: string[];
  /** Targets on the last CPU, load generator and upstream on CPU 0 (child-process mode, ≥ 2 CPUs). Default true. */
  pin?: boolean;
  log?: (line: string) => void;
}

/** Everything a scenario needs: the started targets, the PKI, and sessions ready to use. */
export interface Bench {
  pki: BenchPki;
  stateDir: string;
  redisUrl: string;
  prefix: string;
  upstream: TargetHandle;
  bare: TargetHandle;
  gateway: TargetHandle;
  /** Null when its packages are missing; `notes` says so. */
  express: TargetHandle | null;
  seed: SeedResult;
  /** Cookie headers of logged-in gateway sessions; session i was made on terminal i % terminals. */
  gatewayCookies: string[];
  expressCookies: string[];
  notes: string[];
  /** Whether targets are pinned (then `allCpus` is the taskset list of every CPU, to lift the pin for a while). */
  pinned: boolean;
  allCpus: string;
  close(): Promise<void>;
}

/**
 * Starts, in one run: the demo upstream, the bare proxy, the full gateway (Redis store under a prefix of its own,
 * audit on) and the express alternative, each in its own process; seeds terminals and users; logs in. `close()`
 * stops everything and deletes the run's Redis keys and state dir.
 */
export async function startBench(opts: BenchOptions): Promise<Bench> {
  const log = opts.log ?? (() => {});
  const redisUrl = opts.redisUrl ?? DEFAULT_REDIS_URL;
  const prefix = benchPrefix();
  const stateDir = mkdtempSync(join(tmpdir(), 'hic-bench-'));
  const started: TargetHandle[] = [];
  const notes: string[] = [];
  const cleanup = async () => {
    for (const t of started.reverse()) await t.close().catch(() => {});
    await dropPrefix(redisUrl, prefix).catch((err: unknown) => log(`could not delete ${prefix}*: ${String(err)}`));
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    log(`making a CA and ${opts.terminals} terminal certificates`);
    const pki = await makeBenchPki(join(stateDir, 'pki'), opts.terminals);
    const need = async (h: Awaited<ReturnType<typeof launch>>): Promise<TargetHandle> => {
      if ('skipped' in h) throw new Error(h.skipped);
      started.push(h);
      return h;
    };
    const cpus = availableParallelism();
    const pinned = opts.pin !== false && !opts.inProcess && cpus >= 2 && pinTo(process.pid, '0');
    notes.push(
      pinned
        ? `Pinned: each target on CPU ${cpus - 1}, load generator and upstream on CPU 0 (a proxy's throughput is what one core of it serves).`
        : 'Not pinned to CPUs: placement by the scheduler adds noise.',
    );
    const targetCpu = pinned ? { cpu: String(cpus - 1) } : {};
    const upstream = await need(await launch({ kind: 'upstream' }, { ...opts, ...(pinned ? { cpu: '0' } : {}) }));
    const base = { upstream: upstream.url, tls: pki.tls };
    const [bare, gateway, expressStart] = await Promise.all([
      launch({ kind: 'bare', ...base }, { ...opts, ...targetCpu, execArgv: opts.profileExecArgv ?? [] }).then(need),
      launch(
        { kind: 'gateway', ...base, redisUrl, prefix, stateDir },
        { ...opts, ...targetCpu, execArgv: opts.profileExecArgv ?? [] },
      ).then(need),
      launch({ kind: 'express', ...base, redisUrl, prefix }, { ...opts, ...targetCpu }),
    ]);
    let express: TargetHandle | null = null;
    if ('skipped' in expressStart) notes.push(expressStart.skipped);
    else express = await need(expressStart);
    log(`targets up: upstream ${upstream.url}, bare ${bare.url}, gateway ${gateway.url}, express ${express?.url ?? '(skipped)'}`);
    const seed = await seedGateway({
      redisUrl,
      prefix,
      stateDir,
      terminals: pki.terminals,
      users: opts.sessions,
      stormUsers: opts.stormUsers,
    });
    const terminalOf = (i: number) => pki.terminals[i % pki.terminals.length]!;
    const gatewayCookies = await inBatches(seed.users, (u, i) => gatewayLogin(gateway.url, u, terminalOf(i), pki.caBundle));
    const expressCookies = express
      ? await inBatches(seed.users, (u, i) => expressLogin(express!.url, u.username, terminalOf(i), pki.caBundle))
      : [];
    log(`${gatewayCookies.length} gateway sessions, ${expressCookies.length} express sessions`);
    return {
      pki,
      stateDir,
      redisUrl,
      prefix,
      upstream,
      bare,
      gateway,
      express,
      seed,
      gatewayCookies,
      expressCookies,
      notes,
      pinned,
      allCpus: `0-${cpus - 1}`,
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * The cookies of the sessions made on terminal `t` (session i was made on terminal i mod terminals): a session
 * cookie only works from its own terminal.
 */
export function cookiesOn(cookies: string[], terminals: number, t: number, max = Infinity): string[] {
  return cookies.filter((_, i) => i % terminals === t).slice(0, max);
}

/** Runs `fn` over the items, 10 at a time (logins are cheap here, but 200 at once would be a storm of its own). */
async function inBatches<T, R>(items: T[], fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 10) out.push(...(await Promise.all(items.slice(i, i + 10).map((x, j) => fn(x, i + j)))));
  return out;
}
