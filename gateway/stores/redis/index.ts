import { Redis } from 'ioredis';
import type { Stores } from '../types.js';
import { RedisAccounts } from './accounts.js';
import { RedisAuditCheckpoints } from './audit-checkpoints.js';
import { RedisCrls } from './crls.js';
import { RedisEphemeral } from './ephemeral.js';
import { RedisEvents } from './events.js';
import { RedisProjects } from './projects.js';
import { RedisSessions } from './sessions.js';
import { RedisTerminals } from './terminals.js';
import { RedisTransfers } from './transfers.js';

export interface RedisStoreOptions {
  url: string;
  /** Namespace for every key and channel, so that tests and deployments never collide. */
  prefix: string;
  /** Told of every connection error (metrics: `hic_store_errors_total`); requests see them as 503s. */
  onError?: () => void;
}

/**
 * Production stores on Redis. Commands fail at once while the connection is down (no offline queue), so the
 * request path can fail closed instead of hanging; ioredis reconnects by itself.
 */
export async function createRedisStores(opts: RedisStoreOptions): Promise<Stores> {
  const connectionOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
    lazyConnect: true,
  };
  const redis = new Redis(opts.url, connectionOptions);
  const subscriber = new Redis(opts.url, connectionOptions);
  // Errors surface through command failures and healthy(); without a listener ioredis would print each one.
  const onError = opts.onError ?? (() => {});
  redis.on('error', onError);
  subscriber.on('error', onError);
  await Promise.all([redis.connect(), subscriber.connect()]);
  const events = new RedisEvents(redis, subscriber, `${opts.prefix}events`);
  await events.start();
  return {
    sessions: new RedisSessions(redis, opts.prefix),
    accounts: new RedisAccounts(redis, opts.prefix),
    terminals: new RedisTerminals(redis, opts.prefix),
    projects: new RedisProjects(redis, opts.prefix),
    ephemeral: new RedisEphemeral(redis, opts.prefix),
    events,
    crls: new RedisCrls(redis, opts.prefix),
    transfers: new RedisTransfers(redis, opts.prefix),
    auditCheckpoints: new RedisAuditCheckpoints(redis, opts.prefix),
    // LOG-5: the reference clock every instance compares itself with (one TIME round trip, off the hot path).
    serverTime: async () => {
      const [seconds, micros] = await redis.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    },
    healthy: () => redis.status === 'ready' && subscriber.status === 'ready',
    close: async () => {
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
