import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { ManualClock } from '../../gateway/core/clock.js';
import { openStores } from '../../gateway/stores/index.js';
import type { Stores } from '../../gateway/stores/types.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { startSentinelSet } from '../helpers/redis-ha.js';
import { testPrefix } from '../helpers/redis.js';
import { HIC } from '../audit-review/helpers.js';
import { until } from '../lifecycle/helpers.js';
import { storeConformance } from './conformance.js';

/**
 * Issue 14: the store through Redis Sentinel (a master, one replica, three sentinels, all private processes on
 * free ports). The conformance suite passes through Sentinel; the master is killed under load: requests that need
 * the store get 503 (nothing let through), and after the failover the same gateway serves again without a restart,
 * with a session made before the kill.
 */
t.setTimeout(240_000);

const ha = await startSentinelSet();
t.teardown(() => ha.stop());

/** The config's store section, as a file would name it, opened the way the gateway opens it. */
function open(prefix: string, onError?: () => void): Promise<Stores> {
  const store = { kind: 'redis' as const, sentinels: ha.sentinelNodes, sentinelName: ha.name, prefix, allowMemory: false };
  return openStores(store, new ManualClock(Date.now()), onError ? { onError } : {});
}

t.test('conformance through Sentinel', async (t) => {
  storeConformance(t, () => open(testPrefix('sentinel')));
});

const prefix = testPrefix('failover');

t.test('master killed under load: 503 during the switch, served after it, the old session survives', async (t) => {
  const stores = await open(prefix);
  const pki = await makePki();
  const gw = await startTestGateway({ pki, stores });
  t.teardown(async () => {
    await gw.close();
    await stores.close();
  });
  const cert = await pki.terminal('ha-1');
  await gw.addTerminal('ha-1', cert);
  const creds = await gw.addUser('kenji');
  const gone = await gw.addUser('gone');
  const json = { headers: { accept: 'application/json' } };

  const active = gw.client(cert);
  t.equal(await gw.login(active, 'kenji', creds), 201);
  t.equal((await active.fetch('/', json)).status, 200);
  // A session that ended before the kill must never come back through a stale copy.
  const ended = gw.client(cert);
  t.equal(await gw.login(ended, 'gone', gone), 201);
  const endedCookie = ended.cookieHeader();
  t.equal((await ended.fetch('/_hic/api/session', { method: 'DELETE' })).status, 204);
  const stranger = gw.client(cert);
  const replay = gw.client(cert);

  // Everything so far is on the replica before the master goes (asynchronous replication would lose the tail).
  await ha.replicaCaughtUp();
  const oldMaster = ha.master.port;

  const seen = { active: new Map<number, number>(), stranger: new Map<number, number>(), replay: new Map<number, number>() };
  let stop = false;
  const loop = async (name: keyof typeof seen, fn: () => Promise<number>) => {
    while (!stop) {
      const status = await fn().catch(() => -1);
      seen[name].set(status, (seen[name].get(status) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const loops = [
    loop('active', async () => (await active.fetch('/', json)).status),
    loop('stranger', async () => (await stranger.fetch('/', json)).status),
    loop('replay', async () => (await replay.fetch('/', { headers: { accept: 'application/json', cookie: endedCookie } })).status),
  ];
  const killedAt = Date.now();
  await ha.master.kill();
  let failedOverMs = -1;
  try {
    await until(() => !stores.healthy(), 10_000, 'the store to notice the master is gone');
    await until(async () => (await ha.currentMasterPort()) !== oldMaster, 60_000, 'the sentinels to promote the replica');
    await until(() => stores.healthy(), 30_000, 'the store to reconnect to the promoted master');
    // Served again, without a restart, by the session made before the kill (read from the promoted replica).
    await until(async () => (await active.fetch('/', json)).status === 200, 30_000, 'the old session to be served again');
    failedOverMs = Date.now() - killedAt;
  } finally {
    stop = true;
    await Promise.all(loops);
  }
  t.comment(
    `failover took ${failedOverMs} ms; statuses: ${JSON.stringify(Object.fromEntries(Object.entries(seen).map(([k, m]) => [k, Object.fromEntries(m)])))}`,
  );
  t.equal(await ha.currentMasterPort(), ha.replica.port, 'the replica is the master now');
  t.ok((seen.active.get(503) ?? 0) > 0, 'requests of a live session failed closed (503) during the switch');
  t.same(
    [...seen.active.keys()].filter((s) => s !== 200 && s !== 503),
    [],
    'a live session saw only 200 (cached, before the loss was noticed) or 503',
  );
  t.notOk(seen.stranger.has(200), 'no request without a session was let through');
  t.same(
    [...seen.stranger.keys()].filter((s) => s !== 401 && s !== 503),
    [],
    'no session: 401 or 503, nothing else',
  );
  t.notOk(seen.replay.has(200), 'a session ended before the kill never came back');
  t.same(
    [...seen.replay.keys()].filter((s) => s !== 401 && s !== 503),
    [],
    'an ended session: 401 or 503, nothing else',
  );

  // Writes go to the new master: a new user logs in; the ended session stays ended.
  const after = await gw.addUser('after');
  const late = gw.client(cert);
  t.equal(await gw.login(late, 'after', after), 201, 'login after the failover');
  t.equal((await late.fetch('/', json)).status, 200);
  t.equal((await replay.fetch('/', { headers: { accept: 'application/json', cookie: endedCookie } })).status, 401);
});

t.test('the CLI reaches the same store through the config file (HIC_CONFIG), after the failover too', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hic-sentinel-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of ['c.pem', 'k.pem', 'ca.pem']) writeFileSync(join(dir, f), 'x');
  const config = join(dir, 'gateway.json');
  writeFileSync(
    config,
    JSON.stringify({
      server: { port: 8443 },
      tls: { certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem'), caFile: join(dir, 'ca.pem') },
      store: { kind: 'redis', sentinels: ha.sentinelNodes, sentinelName: ha.name, prefix },
      audit: { dir: join(dir, 'audit') },
      projects: [{ id: 'alpha', upstream: 'http://127.0.0.1:8888', networks: ['127.0.0.0/8'] }],
    }),
  );
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('_TAPJS') && k !== 'NODE_OPTIONS' && k !== 'REDIS_URL'),
  );
  const { stdout } = await promisify(execFile)(process.execPath, [HIC, 'user', 'show', 'kenji', '--json'], {
    env: { ...env, HIC_HOME: join(dir, 'home'), HIC_CONFIG: config, HIC_OPERATOR: 'test' },
    timeout: 60_000,
  });
  t.match(JSON.parse(stdout), { username: 'kenji' }, 'the account made before the failover, read from the promoted master');
});
