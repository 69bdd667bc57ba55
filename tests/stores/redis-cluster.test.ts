import t from 'tap';
import { Cluster, Redis } from 'ioredis';
import type WebSocket from 'ws';
import { ManualClock } from '../../gateway/core/clock.js';
import { openStores } from '../../gateway/stores/index.js';
import { effectivePrefix } from '../../gateway/stores/redis/connect.js';
import type { Stores } from '../../gateway/stores/types.js';
import { wsOutcome } from '../helpers/client.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { startCluster } from '../helpers/redis-ha.js';
import { testPrefix } from '../helpers/redis.js';
import { until } from '../helpers/wait.js';
import { session, storeConformance } from './conformance.js';

/**
 * Issue 14: the store on a Redis Cluster of six private nodes (three masters, three replicas) created with
 * `redis-cli --cluster create`. The conformance suite passes on it (every Lua script, MULTI and MGET stays in one
 * slot thanks to the deployment's hash tag), and pub/sub news reaches a gateway connected to other nodes: a logout
 * on one gateway closes a WebSocket on another.
 */
t.setTimeout(240_000);

const cluster = await startCluster();
t.teardown(() => cluster.stop());

/** The config's store section, as a file would name it, opened the way the gateway opens it. */
function open(prefix: string): Promise<Stores> {
  const store = { kind: 'redis' as const, cluster: cluster.nodes, prefix, allowMemory: false };
  return openStores(store, new ManualClock(Date.now()));
}

t.test('the key prefix carries one hash tag per deployment on Cluster only', async (t) => {
  t.equal(effectivePrefix('hic:', true), '{hic}:');
  t.equal(effectivePrefix('hic', true), '{hic}');
  t.equal(effectivePrefix('{site-a}:', true), '{site-a}:', 'an explicit tag is kept');
  t.equal(effectivePrefix('hic:', false), 'hic:', 'standalone and Sentinel keep existing keys');
});

t.test('conformance on Cluster', async (t) => {
  storeConformance(t, () => open(testPrefix('cluster')));
});

t.test('keys of one deployment share a slot', async (t) => {
  const prefix = testPrefix('slots');
  const s = await open(prefix);
  const raw = new Cluster(
    cluster.nodes.map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) })),
    { lazyConnect: true },
  );
  t.teardown(async () => {
    await s.close();
    raw.disconnect();
  });
  await raw.connect();
  await s.sessions.create(session('k1', 'u', 'f'), 60_000);
  const tagged = effectivePrefix(prefix, true);
  t.ok(await raw.get(`${tagged}session:k1`), `the session is stored under ${tagged}`);
  const slot = (key: string) => raw.call('CLUSTER', 'KEYSLOT', key) as Promise<number>;
  const slots = new Set(
    await Promise.all(
      ['session:k1', 'user-sessions:u', 'terminal-sessions:f', 'terminals', 'transfers', 'crl'].map((k) => slot(`${tagged}${k}`)),
    ),
  );
  t.equal(slots.size, 1, 'one slot for every key of the deployment');
});

t.test('a logout on one gateway closes a WebSocket on another (pub/sub across the cluster)', async (t) => {
  const prefix = testPrefix('cluster-ws');
  const clock = new ManualClock(Date.now());
  const [storesA, storesB] = await Promise.all([open(prefix), open(prefix)]);
  const pki = await makePki();
  const a = await startTestGateway({ pki, stores: storesA, clock });
  const b = await startTestGateway({ pki, stores: storesB, clock });
  t.teardown(async () => {
    await a.close();
    await b.close();
    await storesA.close();
    await storesB.close();
  });
  const cert = await pki.terminal('cl-1');
  await a.addTerminal('cl-1', cert);
  const creds = await a.addUser('aiko');
  const onA = a.client(cert);
  t.equal(await a.login(onA, 'aiko', creds), 201, 'login on gateway A');
  const cookie = onA.cookieHeader();
  const onB = b.client(cert);
  t.equal((await onB.fetch('/', { headers: { accept: 'application/json', cookie } })).status, 200, 'the session is served by gateway B');
  const { status, ws } = await wsOutcome(onB.websocket('/echo', { cookie }));
  t.equal(status, 101, 'WebSocket opened on gateway B');
  const closed = new Promise<void>((resolve) => (ws as WebSocket).once('close', () => resolve()));
  t.equal((await onA.fetch('/_hic/api/session', { method: 'DELETE' })).status, 204, 'logout on gateway A');
  const timer = setTimeout(() => ws.terminate(), 10_000);
  const started = Date.now();
  await closed;
  clearTimeout(timer);
  t.ok(Date.now() - started < 10_000, `the socket on B was closed by the news (${Date.now() - started} ms)`);
  t.equal((await onB.fetch('/', { headers: { accept: 'application/json', cookie } })).status, 401, 'B refuses the ended session');
});

t.test("readiness asks the master of the deployment's hash slot, not just the connection", async (t) => {
  const prefix = testPrefix('cluster-ready');
  const stores = await open(prefix);
  const pki = await makePki();
  const gw = await startTestGateway({ pki, stores });
  const raw = new Cluster(
    cluster.nodes.map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) })),
    { lazyConnect: true },
  );
  t.teardown(async () => {
    await gw.close();
    await stores.close();
    raw.disconnect();
  });
  await raw.connect();
  const slot = (await raw.call('CLUSTER', 'KEYSLOT', `${effectivePrefix(prefix, true)}probe`)) as number;
  const ranges = (await raw.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
  const owner = ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
  const another = ranges.map((r) => r[2][1]).find((port) => port !== owner)!;
  /** Every client's commands on that node wait `ms` (the node stays in the cluster: its bus is not paused). */
  const pause = async (port: number, ms: number) => {
    const node = new Redis(port, '127.0.0.1');
    await node.call('CLIENT', 'PAUSE', String(ms), 'ALL');
    node.disconnect();
  };
  const c = gw.client();
  t.equal((await c.fetch('/_hic/readyz')).status, 200);
  await pause(another, 1500);
  t.equal((await c.fetch('/_hic/readyz')).status, 200, "another master paused: the deployment's keys still answer");
  await pause(owner, 3000);
  t.ok(stores.healthy(), 'the connections look up');
  const paused = await c.fetch('/_hic/readyz');
  t.equal(paused.status, 503, 'the master of our slot paused: not ready');
  t.equal(paused.json().checks.store, 'unavailable');
  await until(async () => (await c.fetch('/_hic/readyz')).status === 200, 10_000, 'readiness after the pause');
  t.pass('ready again once it answers');
});
