import t from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openGatewayAudit } from '../../gateway/bootstrap/audit.js';
import { validateConfig } from '../../gateway/config/load.js';
import { ManualClock } from '../../gateway/core/clock.js';
import { formatRfc5424 } from '../../gateway/siem/rfc5424.js';
import syslogTransport from '../../gateway/siem/syslog-transport.js';
import { createMemoryStores } from '../../gateway/stores/memory/index.js';

/** Issue 5 item 7: the SIEM copy — a pino transport to syslog (RFC 5424) or a JSON-lines file. */
async function udpReceiver(t: {
  teardown(fn: () => void): void;
}): Promise<{ socket: Socket; got: string[]; port: number; wait(n: number): Promise<void> }> {
  const socket = createSocket('udp4');
  const got: string[] = [];
  socket.on('message', (m) => got.push(m.toString('utf8')));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  t.teardown(() => socket.close());
  return {
    socket,
    got,
    port: socket.address().port,
    // Bounded polling: datagrams arrive asynchronously.
    wait: async (n) => {
      for (let i = 0; i < 250 && got.length < n; i++) await new Promise((r) => setTimeout(r, 20));
    },
  };
}

t.test('RFC 5424: header fields, escaped structured data, BOM before the message', async (t) => {
  const line = formatRfc5424({
    facility: 13,
    severity: 2,
    time: '2025-04-01T00:00:00.123Z',
    hostname: 'gw host',
    appName: 'hic-gateway',
    procId: 'gw-1',
    msgId: 'alert',
    data: { user: 'a"b]c\\d', skipped: null, n: 3 },
    message: '{"x":1}',
  });
  t.equal(line, '<106>1 2025-04-01T00:00:00.123Z gw_host hic-gateway gw-1 alert [hic@32473 user="a\\"b\\]c\\\\d" n="3"] \uFEFF{"x":1}');
  t.match(
    formatRfc5424({ facility: 13, severity: 6, time: '', hostname: '', appName: 'a', procId: '', msgId: '', message: 'm' }),
    /^<110>1 - - a - - - \uFEFFm$/,
  );
});

t.test('the syslog transport turns each pino line into one message, lines cut across writes included', async (t) => {
  const rx = await udpReceiver(t);
  const stream = syslogTransport({ host: '127.0.0.1', port: rx.port, protocol: 'udp', procId: 'gw-9', hostname: 'h' });
  const a = JSON.stringify({
    level: 30,
    time: '2025-04-01T00:00:00.000Z',
    instance: 'gw-9',
    kind: 'security',
    event: 'login-failed',
    user: 'alice',
  });
  const b = JSON.stringify({ level: 30, time: '2025-04-01T00:00:00.001Z', instance: 'gw-9', kind: 'access', user: 'bob', status: 200 });
  stream.write(`${a}\n${b.slice(0, 20)}`);
  stream.write(`${b.slice(20)}\n`);
  await rx.wait(2);
  await new Promise<void>((r) => stream.end(() => r()));
  t.equal(rx.got.length, 2);
  t.match(
    rx.got[0],
    /^<109>1 2025-04-01T00:00:00.000Z h hic-gateway gw-9 login-failed \[hic@32473 instance="gw-9" kind="security" user="alice"\] \uFEFF\{"level":30/,
  );
  t.match(
    rx.got[1],
    /^<110>1 2025-04-01T00:00:00.001Z h hic-gateway gw-9 access \[hic@32473 instance="gw-9" kind="access" user="bob" status="200"\] /,
  );
});

t.test('audit.siem.file: the audit events as JSON lines, timed by the audit clock (pino/file transport)', async (t) => {
  const root = t.testdir();
  const file = join(root, 'siem', 'audit.jsonl');
  const clock = new ManualClock(Date.parse('2025-04-01T01:02:03.004Z'));
  const config = validateConfig(
    {
      mode: 'test',
      server: { port: 0 },
      tls: { certFile: 'x', keyFile: 'x', caFile: 'x' },
      store: { kind: 'memory', allowMemory: true },
      audit: { dir: join(root, 'audit'), siem: { file, include: 'all' } },
      projects: [{ id: 'p1', upstream: 'http://127.0.0.1:1', networks: ['10.0.0.0/8'] }],
    },
    { checkFiles: false },
  );
  const audit = await openGatewayAudit(config, clock, 'gw-siem', createMemoryStores(clock));
  audit.access({
    user: 'alice',
    session: null,
    project: 'p1',
    terminal: null,
    address: '10.0.0.1',
    method: 'GET',
    path: '/',
    query: '',
    status: 200,
    bytesIn: 80,
    bytes: 512,
    durationMs: 1,
    reason: 'allowed',
  });
  await audit.security({ event: 'login-success', via: 'login', user: 'alice', session: 's1', project: 'p1' });
  await audit.close();
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  t.match(lines, [
    { event: 'clock-check', kind: 'security', instance: 'gw-siem' },
    { kind: 'access', user: 'alice', path: '/', instance: 'gw-siem', time: '2025-04-01T01:02:03.004Z' },
    { kind: 'security', event: 'login-success', user: 'alice' },
  ]);
});

t.test("the compiled transport runs in pino's worker thread and reaches a syslog collector", async (t) => {
  const rx = await udpReceiver(t);
  // From dist: the worker thread loads the compiled transport file, as in production.
  const compiled: string = '../../dist/gateway/siem/siem-logger.js';
  const { openSiemLogger } = (await import(compiled)) as typeof import('../../gateway/siem/siem-logger.js');
  const errors: unknown[] = [];
  const siem = openSiemLogger(
    { include: 'security', syslog: { host: '127.0.0.1', port: rx.port, protocol: 'udp', facility: 13, appName: 'hic-gateway' } },
    'gw-worker',
    { now: () => Date.parse('2025-04-01T00:00:00Z') },
    (e) => errors.push(e),
  );
  siem.write('security', { event: 'alert', type: 'account-locked', severity: 'critical', user: 'carol' });
  await rx.wait(1);
  await siem.close();
  t.same(errors, []);
  t.match(rx.got, [
    /^<106>1 2025-04-01T00:00:00.000Z \S+ hic-gateway gw-worker alert \[hic@32473 instance="gw-worker" kind="security" type="account-locked" severity="critical" user="carol"\] \uFEFF\{/,
  ]);
});
