import t from 'tap';
import { isOpsRequest } from '../../gateway/handlers/handler-health.js';
import { NetworkSet } from '../../gateway/net/cidr.js';
import type { Runtime } from '../../gateway/runtime.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { parsePrometheus, sampleValue } from './prometheus-text.js';

/** Issue 14: liveness, readiness and Prometheus metrics — who may read them, what they say, what they count. */
const pki = await makePki();
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());
const cert = await pki.terminal('ops-1');
await gw.addTerminal('ops-1', cert);
const creds = await gw.addUser('olga');
const rt = gw.gw.rt;

async function metrics() {
  const res = await gw.client().fetch('/_hic/metrics');
  if (res.status !== 200) throw new Error(`metrics: ${res.status}`);
  return { res, ...parsePrometheus(res.body) };
}

t.test('access rule: loopback and staff networks, GET/HEAD of the exact paths; /_hic/health stays loopback-only', async (t) => {
  const staff = { staffNetworks: new NetworkSet(['192.168.10.0/24']) } as Runtime;
  t.equal(isOpsRequest('GET', '/_hic/readyz', '127.0.0.1', staff), true);
  t.equal(isOpsRequest('GET', '/_hic/metrics', '::ffff:127.0.0.1', staff), true);
  t.equal(isOpsRequest('HEAD', '/_hic/healthz', '192.168.10.7', staff), true, 'a staff network');
  t.equal(isOpsRequest('GET', '/_hic/metrics', '192.168.11.7', staff), false, 'outside the staff networks');
  t.equal(isOpsRequest('GET', '/_hic/metrics', '203.0.113.9', staff), false);
  t.equal(isOpsRequest('POST', '/_hic/metrics', '127.0.0.1', staff), false, 'GET/HEAD only');
  t.equal(isOpsRequest('GET', '/_hic/metrics/', '127.0.0.1', staff), false, 'exact path only');
  t.equal(isOpsRequest('GET', '/_hic/health', '192.168.10.7', staff), false, '/_hic/health: loopback only, as before');
  t.equal(isOpsRequest('GET', '/_hic/health', '::1', staff), true);
});

t.test('healthz and readyz answer without a client certificate', async (t) => {
  const c = gw.client();
  const live = await c.fetch('/_hic/healthz');
  t.equal(live.status, 200);
  t.same(live.json(), { status: 'ok' });
  t.equal(live.headers['cache-control'], 'no-store');
  const ready = await c.fetch('/_hic/readyz');
  t.equal(ready.status, 200);
  t.same(ready.json(), { status: 'ready', ready: true, checks: { store: 'ok', audit: 'ok', config: 'ok', lifecycle: 'ok' } });
  t.equal((await c.fetch('/_hic/health')).status, 200, 'the old loopback health check still answers');
});

t.test('readiness follows a failed configuration reload and the drain', async (t) => {
  const c = gw.client();
  // What a failed reload of the project table leaves (runtime.ts keeps the previous table and records the problems).
  rt.projectsReload = { ok: false, problems: ['alpha: unknown workspace profile "nope"'], at: Date.now() };
  const bad = await c.fetch('/_hic/readyz');
  t.equal(bad.status, 503);
  t.match(bad.json(), {
    status: 'not-ready',
    checks: { config: 'reload-failed', store: 'ok' },
    reloadProblems: ['alpha: unknown workspace profile "nope"'],
  });
  rt.projectsReload = { ok: true, problems: [], at: Date.now() };
  rt.draining = true;
  const draining = await c.fetch('/_hic/readyz');
  t.equal(draining.status, 503);
  t.match(draining.json(), { checks: { lifecycle: 'draining', config: 'ok' } });
  t.equal((await c.fetch('/_hic/healthz')).status, 200, 'still alive while draining');
  rt.draining = false;
  t.equal((await c.fetch('/_hic/readyz')).status, 200);
});

t.test('metrics: Prometheus text; a refused request counted under its reason; logins by outcome', async (t) => {
  const before = await metrics();
  t.match(before.res.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const denied = (s: typeof before.samples) =>
    sampleValue(s, 'hic_requests_total', { decision: 'deny', reason: 'terminal-certificate-missing' }) ?? 0;
  // Three requests without a certificate: refused by the terminal stage.
  for (let i = 0; i < 3; i++) t.equal((await gw.client().fetch('/', { headers: { accept: 'application/json' } })).status, 403);
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'olga', creds), 201);
  t.equal(
    (await c.fetch('/_hic/api/session', { method: 'POST', body: { username: 'olga', password: 'wrong-Pass-1!', totp: '000000' } })).status,
    401,
  );
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 200);
  const after = await metrics();
  t.equal(denied(after.samples) - denied(before.samples), 3, 'three refusals under terminal-certificate-missing');
  t.equal(
    sampleValue(after.samples, 'hic_requests_total', { decision: 'allow', reason: 'allowed' }),
    1,
    'one workspace request let through',
  );
  t.equal(sampleValue(after.samples, 'hic_logins_total', { outcome: 'success' }), 1);
  t.equal(sampleValue(after.samples, 'hic_logins_total', { outcome: 'failed' }), 1);
  t.equal(after.types.get('hic_request_duration_seconds'), 'histogram');
  const count = sampleValue(after.samples, 'hic_request_duration_seconds_count')!;
  const total = after.samples.filter((s) => s.name === 'hic_requests_total').reduce((n, s) => n + s.value, 0);
  t.equal(count, total, 'every counted request has its duration');
  t.equal(sampleValue(after.samples, 'hic_store_up'), 1);
  t.equal(sampleValue(after.samples, 'hic_sessions_live'), 1, 'the one session in the cache');
  t.equal(sampleValue(after.samples, 'hic_websockets_open'), 0);
  t.ok((sampleValue(after.samples, 'hic_audit_fsync_seconds_count') ?? 0) >= 2, "the login events were fsync'ed and timed");
  t.type(sampleValue(after.samples, 'hic_audit_queue_depth'), 'number');
  t.type(sampleValue(after.samples, 'hic_process_resident_memory_bytes'), 'number', 'process metrics too');
});

t.test('readiness: audit log not writable', async (t) => {
  await rt.audit.close();
  const res = await gw.client().fetch('/_hic/readyz');
  t.equal(res.status, 503);
  t.match(res.json(), { checks: { audit: 'failed', store: 'ok' } });
});
