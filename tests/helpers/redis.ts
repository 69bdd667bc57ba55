import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The real redis-server the suite runs against (CI starts one on 127.0.0.1:6379). */
export const REDIS_URL = process.env.HIC_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of one's own: tests run in parallel on one server and never wipe the whole server. */
export function testPrefix(name: string): string {
  return `hic-test:${name}:${randomBytes(6).toString('hex')}:`;
}

/** Deletes the keys under a prefix (SCAN + DEL), for cleanup after a test. */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
