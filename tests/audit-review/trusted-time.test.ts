import t from 'tap';
import { join } from 'node:path';
import type { Alert } from '../../gateway/alerts/alert.js';
import { ClockSkewMonitor } from '../../gateway/alerts/clock-skew.js';
import { readAuditLines } from '../../gateway/audit/index.js';
import { openGatewayAudit } from '../../gateway/bootstrap/audit.js';
import { validateConfig } from '../../gateway/config/load.js';
import { ManualClock } from '../../gateway/core/clock.js';
import { createRedisStores } from '../../gateway/stores/redis/index.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';

/** LOG-5: each instance compares its clock with the store's (Redis TIME); a skew over the limit is an alert. */
const prefix = testPrefix('trusted-time');
const stores = await createRedisStores({ url: REDIS_URL, prefix });
t.teardown(async () => {
  await stores.close();
  await dropPrefix(prefix);
});

t.test('Redis TIME is the reference: agrees with this host to well under a second', async (t) => {
  const before = Date.now();
  const server = await stores.serverTime!();
  t.ok(Math.abs(server - (before + Date.now()) / 2) < 500, `store clock ${server - before} ms from ours`);
});

t.test('an injected clock 2 minutes fast: one alert, silence while it lasts, a record when it is fixed', async (t) => {
  const clock = new ManualClock(Date.now() + 120_000);
  const raised: Alert[] = [];
  const recorded: Record<string, unknown>[] = [];
  const monitor = new ClockSkewMonitor({
    clock,
    serverTime: () => stores.serverTime!(),
    maxSkewMs: 1000,
    intervalMs: 60_000,
    record: async (e) => void recorded.push(e),
    raise: (a) => void raised.push(a),
  });
  await monitor.start();
  monitor.stop();
  t.match(recorded, [{ event: 'clock-check', maxSkewMs: 1000 }]);
  t.ok(Math.abs((recorded[0]!['skewMs'] as number) - 120_000) < 1000, `measured ${String(recorded[0]!['skewMs'])} ms`);
  t.match(raised, [{ type: 'clock-skew', maxSkewMs: 1000 }]);
  t.ok((await monitor.check()).exceeded, 'still off');
  t.equal(raised.length, 1, 'no repeated alert while the skew persists');
  clock.set(Date.now());
  const fixed = await monitor.check();
  t.notOk(fixed.exceeded);
  t.ok(Math.abs(fixed.skewMs) < 1000);
  t.match(recorded.at(-1), { event: 'clock-skew-resolved' });
  clock.set(Date.now() - 5_000);
  t.ok((await monitor.check()).exceeded, 'slow clocks count too');
  t.equal(raised.length, 2);
  t.ok((raised[1]!['skewMs'] as number) < -4000);
});

t.test('a gateway instance whose clock is off raises the alert at start, in its audit log', async (t) => {
  const dir = join(t.testdir(), 'audit');
  const config = validateConfig(
    {
      mode: 'test',
      server: { port: 0 },
      tls: { certFile: 'x', keyFile: 'x', caFile: 'x' },
      store: { kind: 'redis', url: REDIS_URL, prefix },
      audit: { dir, maxClockSkewMs: 2000 },
      projects: [{ id: 'p1', upstream: 'http://127.0.0.1:1', networks: ['10.0.0.0/8'] }],
    },
    { checkFiles: false },
  );
  const clock = new ManualClock(Date.now() - 30_000);
  const audit = await openGatewayAudit(config, clock, 'gw-skewed', stores);
  await audit.close();
  const events: Record<string, unknown>[] = [];
  for await (const { entry } of readAuditLines(dir, { kind: 'security' })) events.push(entry);
  t.match(events, [
    { event: 'clock-check', reference: 'redis', maxSkewMs: 2000 },
    { event: 'alert', type: 'clock-skew', severity: 'critical', summary: /instance clock is -\d+ ms off the store's clock/ },
  ]);
  t.ok((await stores.auditCheckpoints!.all()).get('gw-skewed')!.length >= 1, 'its checkpoints were published to Redis');
});
