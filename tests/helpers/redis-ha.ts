import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort, until } from '../lifecycle/helpers.js';

/**
 * Private Redis topologies for the HA tests (issue 14): real redis-server / sentinel processes on free loopback
 * ports, no persistence, in a temporary directory; `stop()` kills every process and removes the directory.
 */

const run = promisify(execFile);

/** One redis-server (or sentinel) process, resolved once it accepts connections. */
export interface RedisProcess {
  port: number;
  child: ChildProcess;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
}

async function startProcess(cmd: string, args: string[], port: number): Promise<RedisProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} on ${port} did not start: ${out.slice(-500)}`)), 15_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      // A server says "Ready to accept connections", a sentinel "Sentinel ID is …" once it listens.
      if (/Ready to accept connections|Sentinel ID is/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} on ${port} exited (${code}): ${out.slice(-500)}`));
    });
  });
  // Keep draining the pipes so a chatty process never blocks on a full pipe.
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    port,
    child,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A redis-server on a free port with the given extra options (no RDB, no AOF). */
export async function startRedisServer(dir: string, extra: string[] = [], port?: number): Promise<RedisProcess> {
  const p = port ?? (await freePort());
  return startProcess(
    'redis-server',
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra],
    p,
  );
}

/** Debian's `redis-sentinel` when installed, else the same binary in sentinel mode (`redis-server FILE --sentinel`). */
function sentinelCommand(conf: string): [string, string[]] {
  const has = spawnSync('sh', ['-c', 'command -v redis-sentinel'], { encoding: 'utf8' }).status === 0;
  return has ? ['redis-sentinel', [conf]] : ['redis-server', [conf, '--sentinel']];
}

export interface SentinelSet {
  name: string;
  master: RedisProcess;
  replica: RedisProcess;
  sentinels: RedisProcess[];
  /** `host:port` of each sentinel, as the config file names them. */
  sentinelNodes: string[];
  /** The port of the master the sentinels name now. */
  currentMasterPort(): Promise<number>;
  /** Until the replica has applied every write the master has taken (replication offsets). */
  replicaCaughtUp(ms?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A master, one replica and three sentinels (quorum 2), failing over within a few seconds: the master is
 * declared down after 1 s without an answer.
 */
export async function startSentinelSet(name = 'hicmaster'): Promise<SentinelSet> {
  const dir = mkdtempSync(join(tmpdir(), 'hic-sentinel-'));
  const started: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((p) => p.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const master = await startRedisServer(dir, ['--dbfilename', 'm.rdb']);
    started.push(master);
    const replica = await startRedisServer(dir, ['--dbfilename', 'r.rdb', '--replicaof', '127.0.0.1', String(master.port)]);
    started.push(replica);
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const conf = join(dir, `sentinel-${i}.conf`);
      // Sentinel rewrites its config file (it must be writable): one per process.
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          'protected-mode no',
          `dir ${dir}`,
          `sentinel monitor ${name} 127.0.0.1 ${master.port} 2`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      const [cmd, args] = sentinelCommand(conf);
      const s = await startProcess(cmd, args, port);
      started.push(s);
      sentinels.push(s);
    }
    const ask = async <T>(port: number, fn: (r: Redis) => Promise<T>): Promise<T> => {
      const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await r.connect();
        return await fn(r);
      } finally {
        r.disconnect();
      }
    };
    // Ready for a failover: every sentinel knows the replica and the two other sentinels.
    await until(
      async () => {
        for (const s of sentinels) {
          const ok = await ask(s.port, async (r) => {
            const replicas = (await r.call('SENTINEL', 'REPLICAS', name)) as unknown[];
            const peers = (await r.call('SENTINEL', 'SENTINELS', name)) as unknown[];
            return replicas.length === 1 && peers.length === 2;
          }).catch(() => false);
          if (!ok) return false;
        }
        return true;
      },
      30_000,
      'the sentinels to find the replica and each other',
    );
    const offset = (info: string, field: string) => Number(new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1] ?? -1);
    return {
      name,
      master,
      replica,
      sentinels,
      sentinelNodes: sentinels.map((s) => `127.0.0.1:${s.port}`),
      currentMasterPort: async () => {
        for (const s of sentinels) {
          const addr = await ask(s.port, (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name) as Promise<string[]>).catch(() => null);
          if (addr) return Number(addr[1]);
        }
        throw new Error('no sentinel answers');
      },
      replicaCaughtUp: async (ms = 10_000) => {
        const target = offset(await ask(master.port, (r) => r.info('replication')), 'master_repl_offset');
        await until(
          async () => offset(await ask(replica.port, (r) => r.info('replication')), 'slave_repl_offset') >= target,
          ms,
          'the replica to catch up',
        );
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface ClusterSet {
  /** `host:port` of every node, as the config file names them. */
  nodes: string[];
  processes: RedisProcess[];
  stop(): Promise<void>;
}

/**
 * Six `redis-server --cluster-enabled yes` nodes (three masters, three replicas), created with
 * `redis-cli --cluster create … --cluster-replicas 1 --cluster-yes`. The cluster bus gets its own free port
 * (`--cluster-port`), since port + 10000 may be taken or out of range.
 */
export async function startCluster(): Promise<ClusterSet> {
  const dir = mkdtempSync(join(tmpdir(), 'hic-cluster-'));
  const processes: RedisProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.kill()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 6; i++) {
      const port = await freePort();
      const bus = await freePort();
      processes.push(
        await startRedisServer(
          dir,
          [
            '--cluster-enabled',
            'yes',
            '--cluster-port',
            String(bus),
            '--cluster-config-file',
            `nodes-${i}.conf`,
            '--cluster-node-timeout',
            '2000',
            '--dbfilename',
            `d${i}.rdb`,
          ],
          port,
        ),
      );
    }
    const nodes = processes.map((p) => `127.0.0.1:${p.port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 60_000 });
    // Every node agrees the cluster is up (all slots served) before a client connects.
    await until(
      async () => {
        for (const p of processes) {
          const { stdout } = await run('redis-cli', ['-p', String(p.port), 'cluster', 'info'], { timeout: 5_000 });
          if (!/cluster_state:ok/.test(stdout) || !/cluster_known_nodes:6/.test(stdout)) return false;
        }
        return true;
      },
      60_000,
      'the cluster to be up on every node',
    );
    return { nodes, processes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
