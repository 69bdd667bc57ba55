import { Redis } from 'ioredis';
import t from 'tap';
import { startPrivateRedis } from '../helpers/redis-process.js';
import { createRedisStores } from '../../gateway/stores/redis/index.js';
import type { GatewayMetrics } from '../../gateway/metrics/gateway-metrics.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { freePort, until } from '../lifecycle/helpers.js';
import { parsePrometheus, sampleValue } from './prometheus-text.js';

/** Issue 14: readiness is 503 while a (private) redis-server is down and 200 once it is back, without a restart. */
const port = await freePort();
let redis = await startPrivateRedis(port);
let metrics: GatewayMetrics | null = null;
const stores = await createRedisStores({ url: `redis://127.0.0.1:${port}`, prefix: 'hic-ready:', onError: () => metrics?.storeError() });
const pki = await makePki();
const gw = await startTestGateway({ pki, stores });
metrics = gw.gw.rt.metrics;
t.teardown(async () => {
  await gw.close();
  await stores.close();
  redis.kill('SIGKILL');
});

async function scrape() {
  return parsePrometheus((await gw.client().fetch('/_hic/metrics')).body).samples;
}

t.test('redis connected but not answering (CLIENT PAUSE): readyz 503 (store unavailable); answering again: 200', async (t) => {
  const c = gw.client();
  t.equal((await c.fetch('/_hic/readyz')).status, 200);
  const admin = new Redis(port, '127.0.0.1', { lazyConnect: true });
  await admin.connect();
  t.teardown(() => admin.disconnect());
  // Every other client's commands wait for 3 s; the connections stay up, so the store still reports itself healthy.
  t.equal(await admin.call('CLIENT', 'PAUSE', '3000', 'ALL'), 'OK');
  t.ok(stores.healthy(), 'the connection looks up');
  const paused = await c.fetch('/_hic/readyz');
  t.equal(paused.status, 503);
  t.same(paused.json().checks, { store: 'unavailable', audit: 'ok', config: 'ok', lifecycle: 'ok' });
  await until(async () => (await c.fetch('/_hic/readyz')).status === 200, 10_000, 'readiness after the pause');
  t.pass('ready again once the server answers, without a restart');
});

t.test('redis down: readyz 503 (store unavailable), healthz 200; back: readyz 200', async (t) => {
  const c = gw.client();
  t.equal((await c.fetch('/_hic/readyz')).status, 200);
  t.equal(sampleValue(await scrape(), 'hic_store_up'), 1);
  const errorsBefore = sampleValue(await scrape(), 'hic_store_errors_total')!;

  const exited = new Promise((r) => redis.once('exit', r));
  redis.kill('SIGKILL');
  await exited;
  await until(() => !stores.healthy(), 5_000, 'the store to notice');
  const down = await c.fetch('/_hic/readyz');
  t.equal(down.status, 503);
  t.same(down.json(), { status: 'not-ready', ready: false, checks: { store: 'unavailable', audit: 'ok', config: 'ok', lifecycle: 'ok' } });
  t.equal((await c.fetch('/_hic/healthz')).status, 200, 'alive: a restart would not help');
  const during = await scrape();
  t.equal(sampleValue(during, 'hic_store_up'), 0);
  // ioredis reports each failed reconnection attempt (every 100 ms to 1 s) as an error.
  await until(async () => sampleValue(await scrape(), 'hic_store_errors_total')! > errorsBefore, 5_000, 'a store error to be counted');
  t.pass('connection errors counted');

  redis = await startPrivateRedis(port);
  await until(() => stores.healthy(), 10_000, 'the store to reconnect');
  // The project table is reloaded after the reconnection (asynchronously): readiness converges, bounded.
  let last = '';
  await until(
    async () => {
      const res = await c.fetch('/_hic/readyz');
      last = res.body;
      return res.status === 200;
    },
    10_000,
    `readiness after the reconnection (last: ${last})`,
  ).catch((err: Error) => t.fail(`${err.message}: ${last}`));
  t.same(JSON.parse(last), { status: 'ready', ready: true, checks: { store: 'ok', audit: 'ok', config: 'ok', lifecycle: 'ok' } });
});
