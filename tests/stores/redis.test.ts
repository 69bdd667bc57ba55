import { Redis } from 'ioredis';
import t from 'tap';
import { createRedisStores } from '../../gateway/stores/redis/index.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { session, storeConformance } from './conformance.js';

const prefixes: string[] = [];
t.teardown(async () => {
  for (const p of prefixes) await dropPrefix(p);
});

storeConformance(t, async () => {
  const prefix = testPrefix('conformance');
  prefixes.push(prefix);
  return createRedisStores({ url: REDIS_URL, prefix });
});

t.test('redis: sessions carry a server-side TTL (idle timeout) that touch renews', async (t) => {
  const prefix = testPrefix('ttl');
  prefixes.push(prefix);
  const s = await createRedisStores({ url: REDIS_URL, prefix });
  const raw = new Redis(REDIS_URL);
  t.teardown(async () => {
    await s.close();
    raw.disconnect();
  });
  await s.sessions.create(session('z', 'u', 'f'), 5_000);
  const first = await raw.pttl(`${prefix}session:z`);
  t.ok(first > 0 && first <= 5_000, `TTL set (${first} ms)`);
  await s.sessions.touch('z', 2, 60_000);
  const second = await raw.pttl(`${prefix}session:z`);
  t.ok(second > 5_000 && second <= 60_000, `touch renews the TTL (${second} ms)`);
});

t.test('redis: two store instances on one prefix see each other (many gateways, one population)', async (t) => {
  const prefix = testPrefix('shared');
  prefixes.push(prefix);
  const a = await createRedisStores({ url: REDIS_URL, prefix });
  const b = await createRedisStores({ url: REDIS_URL, prefix });
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const heard = new Promise((resolve) => b.events.subscribe(resolve));
  await a.events.publish({ type: 'session-ended', session: 's1', reason: 'logout' });
  t.same(await heard, { type: 'session-ended', session: 's1', reason: 'logout' });
  t.equal(await a.ephemeral.claim('once', 10_000), true);
  t.equal(await b.ephemeral.claim('once', 10_000), false);
});
