import type { Stores } from '../types.js';
import { RedisAccounts } from './accounts.js';
import { RedisAuditCheckpoints } from './audit-checkpoints.js';
import { makeClients, type RedisAuth, type RedisTarget } from './connect.js';
import { RedisCrls } from './crls.js';
import { RedisEphemeral } from './ephemeral.js';
import { RedisEvents } from './events.js';
import { RedisProjects } from './projects.js';
import { RedisSessions } from './sessions.js';
import { RedisTerminals } from './terminals.js';
import { RedisTransfers } from './transfers.js';

/** Where the store is (url, sentinels or cluster), its credentials, and the namespace of its keys. */
export type RedisStoreOptions = RedisTarget &
  RedisAuth & {
    /** Namespace for every key and channel, so that tests and deployments never collide (hash-tagged on Cluster). */
    prefix: string;
    /** Told of every connection error (metrics: `hic_store_errors_total`); requests see them as 503s. */
    onError?: () => void;
  };

/**
 * Production stores on Redis: standalone, Sentinel or Cluster (connect.ts). Commands fail at once while the
 * connection is down (no offline queue), so the request path can fail closed instead of hanging; ioredis
 * reconnects by itself (after a Sentinel failover, to the promoted master).
 */
export async function createRedisStores(opts: RedisStoreOptions): Promise<Stores> {
  const { commands: redis, subscriber, prefix } = makeClients(opts, opts, opts.prefix);
  // Errors surface through command failures and healthy(); without a listener ioredis would print each one.
  const onError = opts.onError ?? (() => {});
  // A Cluster reports a failing node as 'node error' (the cluster as a whole may still answer).
  for (const client of [redis, subscriber]) client.on('error', onError).on('node error', onError);
  await Promise.all([redis.connect(), subscriber.connect()]);
  const events = new RedisEvents(redis, subscriber, `${prefix}events`);
  await events.start();
  return {
    sessions: new RedisSessions(redis, prefix),
    accounts: new RedisAccounts(redis, prefix),
    terminals: new RedisTerminals(redis, prefix),
    projects: new RedisProjects(redis, prefix),
    ephemeral: new RedisEphemeral(redis, prefix),
    events,
    crls: new RedisCrls(redis, prefix),
    transfers: new RedisTransfers(redis, prefix),
    auditCheckpoints: new RedisAuditCheckpoints(redis, prefix),
    // LOG-5: the reference clock every instance compares itself with (one TIME round trip, off the hot path).
    serverTime: async () => {
      const [seconds, micros] = await redis.time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    },
    healthy: () => redis.status === 'ready' && subscriber.status === 'ready',
    // A read of a key under the prefix: on Cluster it goes to the node of the deployment's hash slot.
    probe: async () => void (await redis.exists(`${prefix}probe`)),
    close: async () => {
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
