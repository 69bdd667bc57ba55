import t from 'tap';
import { createSocket } from 'node:dgram';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Alert } from '../../gateway/alerts/alert.js';
import { AlertWatcher } from '../../gateway/alerts/watcher.js';
import { WebhookSink } from '../../gateway/alerts/webhook.js';
import { readAuditLines } from '../../gateway/audit/index.js';
import { openGatewayAudit } from '../../gateway/bootstrap/audit.js';
import { validateConfig } from '../../gateway/config/load.js';
import { ManualClock } from '../../gateway/core/clock.js';
import { SyslogSender } from '../../gateway/siem/syslog-sender.js';
import { createMemoryStores } from '../../gateway/stores/memory/index.js';

/** LOG-4: the alert rules, on an injected clock and the memory store; then delivery to a webhook and syslog. */
const config = (extra: Record<string, unknown> = {}, dir = '/nonexistent') =>
  validateConfig(
    {
      mode: 'test',
      server: { port: 0 },
      tls: { certFile: 'x', keyFile: 'x', caFile: 'x' },
      store: { kind: 'memory', allowMemory: true },
      audit: { dir },
      projects: [{ id: 'p1', upstream: 'http://127.0.0.1:1', networks: ['10.0.0.0/8'] }],
      ...extra,
    },
    { checkFiles: false },
  );

/** 2025-04-01 10:00 in Tokyo: inside the default 07:00-22:00. */
const DAYTIME = Date.parse('2025-04-01T10:00:00+09:00');

function watcher(clock: ManualClock, alertsConfig: Record<string, unknown> = {}) {
  const stores = createMemoryStores(clock);
  const raised: Alert[] = [];
  const w = new AlertWatcher({ config: config({ alerts: alertsConfig }).alerts, clock, stores, raise: (a) => void raised.push(a) });
  return { w, stores, raised, types: () => raised.map((a) => a.type) };
}

const login = (user: string, address: string, terminalId: string, session = `s-${Math.random()}`) => ({
  event: 'login-success' as const,
  via: 'login',
  user,
  address,
  terminalId,
  terminal: `fp-${terminalId}`,
  session,
  project: 'p1',
});

t.test('failed-login burst: exactly one alert per user and window', async (t) => {
  const clock = new ManualClock(DAYTIME);
  const { w, raised } = watcher(clock, { failedLoginBurst: { count: 3, windowSeconds: 300 } });
  for (let i = 0; i < 5; i++)
    w.onSecurity({ event: 'login-failed', stage: 'password', user: 'alice', address: '10.0.0.5', reason: 'wrong-password' });
  for (let i = 0; i < 2; i++)
    w.onSecurity({ event: 'login-failed', stage: 'password', user: 'bob', address: '10.0.0.5', reason: 'wrong-password' });
  await w.idle();
  t.match(raised, [{ type: 'failed-login-burst', scope: 'user', user: 'alice', address: '10.0.0.5', count: 3, windowSeconds: 300 }]);
  t.equal(raised.length, 1, "bob is under the limit; bursts per address are the login service's (429 + alert)");
  clock.advance(300_000); // the next window counts afresh
  for (let i = 0; i < 3; i++)
    w.onSecurity({ event: 'login-failed', stage: 'password', user: 'alice', address: '10.9.9.9', reason: 'wrong-password' });
  await w.idle();
  t.equal(raised.length, 2);
});

t.test('lockout, replayed cookie, refused staff action, blocked download', async (t) => {
  const { w, raised, types } = watcher(new ManualClock(DAYTIME));
  w.onSecurity({ event: 'account-locked', user: 'bob', failures: 5, stage: 'password' });
  w.onSecurity({ event: 'session-terminal-mismatch', user: 'bob', session: 's1', terminal: 'fp-x', address: '10.0.0.6' });
  w.onSecurity({ event: 'staff-action-refused', action: 'audit.search', by: 'bob', roles: ['analyst'] });
  w.onAccess({ user: 'bob', session: 's1', method: 'GET', path: '/files/x.csv', reason: 'download-blocked' });
  await w.idle();
  t.same(types().sort(), ['account-locked', 'blocked-transfer', 'session-cookie-replayed', 'staff-action-refused']);
  t.match(
    raised.find((a) => a.type === 'staff-action-refused'),
    { user: 'bob', action: 'audit.search' },
  );
});

t.test('new network and new terminal: the first login sets the baseline, later novelties alert', async (t) => {
  const { w, types, raised } = watcher(new ManualClock(DAYTIME));
  w.onSecurity(login('carol', '10.1.2.3', 't-1'));
  await w.idle();
  w.onSecurity(login('carol', '10.1.2.99', 't-1')); // same /24, same terminal
  await w.idle();
  t.same(types(), [], 'nothing new');
  w.onSecurity(login('carol', '10.7.0.1', 't-1'));
  w.onSecurity(login('carol', '10.1.2.4', 't-2'));
  await w.idle();
  t.same(types().sort(), ['new-network', 'new-terminal']);
  t.match(
    raised.find((a) => a.type === 'new-network'),
    { user: 'carol', network: '10.7.0.0/24' },
  );
});

t.test('concurrent sessions of one user', async (t) => {
  const clock = new ManualClock(DAYTIME);
  const { w, stores, raised } = watcher(clock);
  const base = {
    user: 'dave',
    project: 'p1',
    roles: ['analyst' as const],
    terminal: 'fp',
    terminalId: 't',
    address: '10.0.0.1',
    createdAt: clock.now(),
    lastActiveAt: clock.now(),
    expiresAt: clock.now() + 3_600_000,
  };
  await stores.sessions.create({ ...base, id: 'a' }, 60_000);
  w.onSecurity(login('dave', '10.0.0.1', 't', 'a'));
  await w.idle();
  t.same(raised, []);
  await stores.sessions.create({ ...base, id: 'b' }, 60_000);
  w.onSecurity(login('dave', '10.0.0.1', 't', 'b'));
  await w.idle();
  t.match(raised, [{ type: 'concurrent-sessions', user: 'dave', sessions: 2 }]);
});

t.test('use outside business hours (Asia/Tokyo): once per session, at login or at the first request', async (t) => {
  const clock = new ManualClock(Date.parse('2025-04-01T03:30:00+09:00'));
  const { w, raised } = watcher(clock);
  w.onSecurity(login('erin', '10.0.0.1', 't', 'night-1'));
  await w.idle();
  w.onAccess({ user: 'erin', session: 'night-1', reason: 'allowed' });
  w.onAccess({ user: 'erin', session: 'night-2', reason: 'allowed' });
  w.onAccess({ user: 'erin', session: 'night-2', reason: 'allowed' });
  t.match(raised, [
    { type: 'outside-hours', session: 'night-1', at: 'login' },
    { type: 'outside-hours', session: 'night-2', at: 'request' },
  ]);
  t.equal(raised.length, 2);
  clock.set(Date.parse('2025-04-01T21:59:00+09:00'));
  w.onAccess({ user: 'erin', session: 'day-1', reason: 'allowed' });
  clock.set(Date.parse('2025-04-01T22:00:00+09:00'));
  w.onAccess({ user: 'erin', session: 'day-2', reason: 'allowed' });
  t.same(
    raised.slice(2).map((a) => a.session),
    ['day-2'],
    '21:59 is inside, 22:00 is outside',
  );
});

t.test('webhook: bounded retries, 4xx is final, never throws into the caller', async (t) => {
  const statuses = [500, 503, 200, 400, 500, 500];
  const got: unknown[] = [];
  const server = createHttpServer((req, res) => {
    void body(req).then((b) => {
      got.push(JSON.parse(b));
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => server.close());
  const errors: unknown[] = [];
  const sink = new WebhookSink({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    timeoutMs: 2000,
    attempts: 3,
    retryDelaysMs: [0],
    onError: (e) => errors.push(e),
  });
  sink.enqueue({ type: 'account-locked', n: 1 }); // 500, 503, 200: delivered on the third attempt
  sink.enqueue({ type: 'account-locked', n: 2 }); // 400: given up at once
  sink.enqueue({ type: 'account-locked', n: 3 }); // 500, 500, 200: delivered on the third
  await sink.idle();
  t.same(
    got.map((g) => (g as { n: number }).n),
    [1, 1, 1, 2, 3, 3, 3],
  );
  t.equal(sink.failed, 1);
  t.equal(errors.length, 1);
  const dead = new WebhookSink({ url: 'http://127.0.0.1:1/hook', timeoutMs: 500, attempts: 2, retryDelaysMs: [0], onError: () => {} });
  dead.enqueue({ type: 'x' });
  await dead.idle();
  t.equal(dead.failed, 1, 'an unreachable receiver costs two attempts, then the alert is given up');
});

t.test('syslog over TCP: RFC 6587 octet counting', async (t) => {
  const frames: string[] = [];
  let buffer = Buffer.alloc(0);
  const server = createTcpServer((socket) => {
    socket.on('data', (c: Buffer) => {
      buffer = Buffer.concat([buffer, c]);
      // MSG-LEN counts octets: parse bytes, not characters.
      for (let sp = buffer.indexOf(0x20); sp > 0; sp = buffer.indexOf(0x20)) {
        const len = Number(buffer.subarray(0, sp).toString('ascii'));
        if (buffer.length < sp + 1 + len) break;
        frames.push(buffer.subarray(sp + 1, sp + 1 + len).toString('utf8'));
        buffer = buffer.subarray(sp + 1 + len);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => server.close());
  const sender = new SyslogSender({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, protocol: 'tcp' });
  sender.send('<109>1 2025-04-01T00:00:00.000Z h app - login - \uFEFF{"ü":1}');
  sender.send('<109>1 2025-04-01T00:00:00.001Z h app - login - \uFEFF{}');
  for (let i = 0; i < 100 && frames.length < 2; i++) await new Promise((r) => setTimeout(r, 20)); // bounded polling
  await sender.close();
  t.same(
    frames,
    ['<109>1 2025-04-01T00:00:00.000Z h app - login - \uFEFF{"ü":1}', '<109>1 2025-04-01T00:00:00.001Z h app - login - \uFEFF{}'],
    'length counts UTF-8 bytes',
  );
});

t.test('the gateway audit port: alerts are audit events, then go to the webhook and syslog', async (t) => {
  const dir = join(t.testdir(), 'audit');
  const hooks: Record<string, unknown>[] = [];
  const server = createHttpServer((req, res) => void body(req).then((b) => (hooks.push(JSON.parse(b)), res.end())));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => server.close());
  const udp = createSocket('udp4');
  const datagrams: string[] = [];
  udp.on('message', (m) => datagrams.push(m.toString('utf8')));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  t.teardown(() => udp.close());
  const clock = new ManualClock(DAYTIME);
  const cfg = config(
    {
      alerts: {
        webhookUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        syslog: { host: '127.0.0.1', port: udp.address().port },
      },
    },
    dir,
  );
  const audit = await openGatewayAudit(cfg, clock, 'gw-alerts', createMemoryStores(clock));
  for (let i = 0; i < 5; i++)
    await audit.security({ event: 'login-failed', stage: 'password', reason: 'wrong-password', user: 'frank', address: '10.0.0.8' });
  // An alert recorded directly by another component (as the login service does for an address) is delivered too.
  await audit.security({
    event: 'alert',
    type: 'failed-login-burst',
    severity: 'warning',
    summary: '20 failed logins from 10.0.0.9',
    address: '10.0.0.9',
    failures: 20,
  });
  await audit.flush();
  // bounded polling
  for (let i = 0; i < 100 && (hooks.length < 2 || datagrams.length < 2); i++) await new Promise((r) => setTimeout(r, 20));
  await audit.close();
  const alerts: Record<string, unknown>[] = [];
  for await (const { entry } of readAuditLines(dir, { where: { event: 'alert' } })) alerts.push(entry);
  const frank = { type: 'failed-login-burst', scope: 'user', user: 'frank', severity: 'warning' };
  t.same(alerts.map((a) => a['address']).sort(), ['10.0.0.8', '10.0.0.9']);
  t.match(
    alerts.find((a) => a['user'] === 'frank'),
    frank,
  );
  t.same(hooks.map((h) => h['address']).sort(), ['10.0.0.8', '10.0.0.9']);
  t.match(
    hooks.find((h) => h['user'] === 'frank'),
    { ...frank, event: 'alert', instance: 'gw-alerts', time: new Date(DAYTIME).toISOString() },
  );
  t.equal(datagrams.length, 2);
  t.match(
    datagrams.find((d) => d.includes('frank')),
    /^<108>1 2025-\S+ \S+ hic-gateway gw-alerts alert \[hic@32473 instance="gw-alerts" type="failed-login-burst" severity="warning" user="frank"/,
  );
  const checks: Record<string, unknown>[] = [];
  for await (const { entry } of readAuditLines(dir, { where: { event: 'clock-check' } })) checks.push(entry);
  t.match(checks, [{ skewMs: 0, reference: 'memory' }], 'the start-up time check is recorded');
});

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let b = '';
    req
      .setEncoding('utf8')
      .on('data', (c: string) => (b += c))
      .on('end', () => resolve(b));
  });
}
