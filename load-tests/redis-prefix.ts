import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** A key prefix of the run's own, so a run never touches anyone else's keys. */
export function benchPrefix(): string {
  return `hic-bench:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under the prefix (SCAN + DEL; never FLUSHALL: the server may be shared). */
export async function dropPrefix(url: string, prefix: string): Promise<number> {
  if (!prefix.startsWith('hic-bench:')) throw new Error(`refusing to delete keys outside hic-bench:*: ${prefix}`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  let cursor = '0';
  let deleted = 0;
  try {
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
