import { readFileSync } from 'node:fs';
import type { StoreConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { readCredential } from '../workspace/credential.js';
import { createMemoryStores } from './memory/index.js';
import type { HostPort, RedisAuth, RedisTarget } from './redis/connect.js';
import { createRedisStores } from './redis/index.js';
import type { Stores } from './types.js';

export type * from './types.js';

/** Opens the configured store: Redis in production (standalone, Sentinel or Cluster), memory for the embedded demo. */
export async function openStores(config: StoreConfig, clock: Clock, hooks: { onError?: () => void } = {}): Promise<Stores> {
  if (config.kind === 'redis') return createRedisStores({ ...redisTarget(config), ...redisAuth(config), prefix: config.prefix, ...hooks });
  return createMemoryStores(clock);
}

/** The one way the config names to reach Redis (load.ts has checked that there is exactly one). */
export function redisTarget(config: StoreConfig): RedisTarget {
  if (config.sentinels) return { sentinels: config.sentinels.map(hostPort), sentinelName: config.sentinelName! };
  if (config.cluster) return { cluster: config.cluster.map(hostPort) };
  return { url: config.url! };
}

/**
 * Credentials and TLS from the config: passwords are read from owner-only files (the convention of every secret
 * here: credentialFile, totpKeyFile), held in memory only, and never logged or put in an error message.
 */
export function redisAuth(config: StoreConfig): RedisAuth {
  const password = config.passwordFile ? readCredential(config.passwordFile) : undefined;
  // Not defaulted to the data nodes' password: AUTH to a sentinel without requirepass fails the connection.
  const sentinelPassword = config.sentinelPasswordFile ? readCredential(config.sentinelPasswordFile) : undefined;
  const tls =
    config.tls === true
      ? {}
      : typeof config.tls === 'object'
        ? {
            ...(config.tls.caFile ? { ca: readFileSync(config.tls.caFile) } : {}),
            ...(config.tls.servername ? { servername: config.tls.servername } : {}),
          }
        : undefined;
  return {
    ...(config.username !== undefined ? { username: config.username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(sentinelPassword !== undefined ? { sentinelPassword } : {}),
    ...(tls ? { tls } : {}),
  };
}

/** `host:port` (IPv6 in brackets) → its parts; the schema has checked the shape. */
function hostPort(node: string): HostPort {
  const at = node.lastIndexOf(':');
  return { host: node.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port: Number(node.slice(at + 1)) };
}
