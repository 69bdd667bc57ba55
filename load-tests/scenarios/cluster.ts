import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cookiesOn, type Bench } from '../bench.js';
import { processCpuMs } from '../drivers/cpu.js';
import { runHttpLoad } from '../drivers/http.js';
import type { LoadResult } from '../drivers/latency.js';
import { clientTls } from '../sessions.js';
import { benchGatewayConfig } from '../targets/gateway.js';
import { interleaved, medianRun, pairedRatio, type ScenarioResult, type Timing } from './types.js';

const HIC = fileURLToPath(new URL('../../bin/hic.js', import.meta.url));

/**
 * `hic start --config … --workers N` exactly as an operator runs it, N = 1 and N = 2 side by side on two ports
 * (same Redis namespace, so the bench's sessions work on both), measured alternately with the small-page load.
 * Not pinned: the workers may use every core — which the load generator and the upstream share.
 */
export async function clusterScaling(bench: Bench, timing: Timing, log: (l: string) => void): Promise<ScenarioResult> {
  const one = await startCluster(bench, 1);
  const two = await startCluster(bench, 2).catch(async (err: unknown) => {
    await one.stop();
    throw err;
  });
  try {
    const groups = [
      {
        tls: clientTls(bench.pki.terminals[0]!, bench.pki.caBundle),
        connections: 50,
        cookies: cookiesOn(bench.gatewayCookies, bench.pki.terminals.length, 0, 5),
      },
    ];
    const run = async (c: RunningCluster, durationS: number): Promise<LoadResult> => {
      const pids = c.pids();
      const before = totalCpuMs(pids);
      const r = await runHttpLoad({
        target: `gateway, ${c.workers} worker${c.workers > 1 ? 's' : ''}`,
        url: c.url,
        path: '/bytes?kb=1',
        durationS,
        groups,
      });
      const cores = Math.round(((totalCpuMs(pids) - before) / (r.durationS * 1000)) * 100) / 100;
      const withCores = {
        ...r,
        target: `${r.target} (${cores} cores busy)`,
        cpuUsPerReq: Math.round(((totalCpuMs(pids) - before) * 1000) / Math.max(1, r.responses)),
      };
      log(`  ${withCores.target} ${durationS}s: ${r.rps} req/s, p99 ${r.p99} ms, ${r.errors} errors, ${r.non2xx} non-2xx`);
      return withCores;
    };
    await run(one, timing.warmupS);
    await run(two, timing.warmupS);
    const rounds = Math.max(1, Math.ceil(timing.rounds / 2));
    const [r1, r2] = await interleaved([() => run(one, timing.durationS), () => run(two, timing.durationS)], rounds);
    const r = pairedRatio(r2!, r1!);
    return {
      id: 'cluster',
      title: 'Cluster mode: 1 → 2 workers (hic start --workers N)',
      method: `Two clusters started with \`hic start --config … --workers N\` (N = 1, 2; Redis store, audit on), small-page load (50 connections) alternately, ${rounds} pairs of ${timing.durationS} s. Workers may use every core; so do the load generator and the upstream.`,
      rows: [medianRun(r1!), medianRun(r2!)],
      figures: { 'scaling 2 workers / 1 worker': r.median, 'range over pairs': `${r.min}–${r.max}` },
      notes: [],
    };
  } finally {
    await two.stop();
    await one.stop();
  }
}

interface RunningCluster {
  workers: number;
  url: string;
  /** The primary and its workers. */
  pids(): number[];
  stop(): Promise<void>;
}

/** CPU time of a set of processes (Linux /proc; 0 elsewhere). */
function totalCpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + (processCpuMs(pid) ?? 0), 0);
}

/** The children of a process (Linux: /proc/<pid>/task/<pid>/children). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function startCluster(bench: Bench, workers: number): Promise<RunningCluster> {
  const port = await freePort();
  const config = {
    ...benchGatewayConfig({
      upstream: bench.upstream.url,
      tls: bench.pki.tls,
      redisUrl: bench.redisUrl,
      prefix: bench.prefix,
      stateDir: bench.stateDir,
      port,
    }),
    audit: { dir: join(bench.stateDir, 'audit'), instanceId: `bench-cluster${workers}` },
  };
  const file = join(bench.stateDir, `cluster-${workers}.json`);
  writeFileSync(file, JSON.stringify(config));
  const args = [HIC, 'start', '--config', file, '--workers', String(workers)];
  // The bench process is pinned to CPU 0 when targets are pinned; its children would inherit that.
  const child = bench.pinned
    ? spawn('taskset', ['-c', bench.allCpus, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await listening(child);
  const primary = child.pid!; // taskset execs node: same process
  return {
    workers,
    url: `https://127.0.0.1:${port}`,
    pids: () => [primary, ...childrenOf(primary)],
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM'); // the primary stops its workers gracefully
      }),
  };
}

function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('cluster did not start within 60 s')), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hic start exited with ${code}`));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
