import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * What the store classes talk to: one standalone or Sentinel-managed connection (`Redis`) or a Cluster client.
 * Every command they send names its keys in KEYS (Lua) or as arguments, so ioredis can route it to the right slot.
 */
export type RedisClient = Redis | Cluster;

/** A Redis or Sentinel node as `host:port`, parsed. */
export interface HostPort {
  host: string;
  port: number;
}

/** Where the store lives: a standalone server, a master found through Sentinel, or a Redis Cluster. */
export type RedisTarget = { url: string } | { sentinels: HostPort[]; sentinelName: string } | { cluster: HostPort[] };

/** Credentials and TLS shared by every connection; the passwords come from files (never from the config text). */
export interface RedisAuth {
  username?: string;
  password?: string;
  /** Sentinel only: the sentinels' own `requirepass` (may differ from the data nodes'). */
  sentinelPassword?: string;
  /** TLS to the data nodes (and to the sentinels); a `rediss://` url turns it on by itself. */
  tls?: ConnectionOptions;
}

/** The two clients of one store: commands, and a subscriber (a connection in subscribe mode takes no commands). */
export interface RedisClients {
  commands: RedisClient;
  subscriber: RedisClient;
  /** The key and channel namespace actually used (see {@link effectivePrefix}). */
  prefix: string;
}

/** Reconnection backoff of every client: 100 ms, 200 ms, … at most 1 s, for ever (the store comes back by itself). */
const backoff = (attempt: number): number => Math.min(attempt * 100, 1_000);

/**
 * Fail fast, never queue: with no offline queue a command sent while the connection is down is rejected at once,
 * so the request path answers 503 (fail closed) instead of hanging or replaying writes later; ioredis keeps
 * reconnecting in the background and the gateway serves again without a restart.
 */
const FAIL_FAST = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  lazyConnect: true,
} as const;

/**
 * The namespace of keys and the events channel. Standalone and Sentinel keep the configured prefix as it is
 * (`hic:session:…`), so existing deployments keep their keys. On Cluster every key must hash to one slot: the
 * stores send Lua scripts and MULTI blocks over several keys (session + per-user set + per-terminal set; terminal
 * register + fingerprint index; transfer + download counts; checkpoint list + instance set) and MGET over any number
 * of sessions, which Cluster refuses across slots (CROSSSLOT). One hash tag per deployment (`{hic}:`) keeps every
 * one of those atomic and correct as written. Per-entity tags would spread the keys but would break the per-user and
 * per-terminal indexes (they span many sessions) and the atomic session create. The cost is that one deployment's
 * data sits on one master (its replica takes over on failure): Cluster gives failover here, not sharding — the
 * data of a gateway population (accounts, sessions, registers) is small, and the request path makes at most one
 * round trip. Several deployments (prefixes) on one Cluster land on different slots. A prefix that already holds a
 * tag (`{hic}:`) is used as it is, in every mode: write it so from the start to move between modes without renaming.
 */
export function effectivePrefix(prefix: string, cluster: boolean): string {
  if (!cluster || /\{[^}]+\}/.test(prefix)) return prefix;
  return prefix.endsWith(':') ? `{${prefix.slice(0, -1)}}:` : `{${prefix}}`;
}

/** Builds (but does not connect) the command and subscriber clients for a target, with the same fail-fast options. */
export function makeClients(target: RedisTarget, auth: RedisAuth, prefix: string): RedisClients {
  const common: RedisOptions = {
    ...(auth.username !== undefined ? { username: auth.username } : {}),
    ...(auth.password !== undefined ? { password: auth.password } : {}),
    ...(auth.tls ? { tls: auth.tls } : {}),
  };
  if ('url' in target) {
    const make = () => new Redis(target.url, { ...FAIL_FAST, retryStrategy: backoff, ...common });
    return { commands: make(), subscriber: make(), prefix: effectivePrefix(prefix, false) };
  }
  if ('sentinels' in target) {
    // role 'master': ioredis asks the sentinels for the current master and checks ROLE on every (re)connection, so
    // after a failover it follows the promoted replica and never writes to a demoted master. failoverDetector
    // listens for +switch-master on the sentinels and reconnects at once instead of waiting for an error.
    const make = () =>
      new Redis({
        ...FAIL_FAST,
        ...common,
        sentinels: target.sentinels,
        name: target.sentinelName,
        role: 'master',
        retryStrategy: backoff,
        sentinelRetryStrategy: backoff,
        failoverDetector: true,
        ...(auth.sentinelPassword !== undefined ? { sentinelPassword: auth.sentinelPassword } : {}),
        ...(auth.tls ? { enableTLSForSentinelMode: true, sentinelTLS: auth.tls } : {}),
      });
    return { commands: make(), subscriber: make(), prefix: effectivePrefix(prefix, false) };
  }
  // Cluster: classic PUBLISH is forwarded over the cluster bus to every node, so a subscriber on any node hears every
  // instance's news; ioredis moves the subscription to another node when its node fails.
  const make = () =>
    new Cluster(target.cluster, {
      enableOfflineQueue: false,
      lazyConnect: true,
      clusterRetryStrategy: backoff,
      slotsRefreshTimeout: 2_000,
      redisOptions: { ...common, connectTimeout: FAIL_FAST.connectTimeout, maxRetriesPerRequest: FAIL_FAST.maxRetriesPerRequest },
    });
  return { commands: make(), subscriber: make(), prefix: effectivePrefix(prefix, true) };
}
