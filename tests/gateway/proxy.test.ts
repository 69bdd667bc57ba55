import t from 'tap';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/** Forwarding: identity headers are the gateway's own; the session cookie never reaches the workspace. */
const pki = await makePki();
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());
const cert = await pki.terminal('px-1');
await gw.addTerminal('px-1', cert);
const carol = await gw.addUser('carol');
const c = gw.client(cert);
t.equal(await gw.login(c, 'carol', carol), 201);

t.test('inbound identity headers are stripped and set by the gateway', async (t) => {
  const res = await c.fetch('/headers', { headers: { accept: 'application/json', 'x-hic-user': 'mallory', 'x-hic-project': 'beta', 'x-forwarded-for': '6.6.6.6', cookie: `${c.cookieHeader()}; app=1` } });
  t.equal(res.status, 200);
  const seen = res.json();
  t.equal(seen['x-hic-user'], 'carol');
  t.equal(seen['x-hic-project'], 'alpha');
  t.equal(seen['x-forwarded-for'], '127.0.0.1');
  t.equal(seen.cookie, 'app=1', 'the gateway cookie is removed, the workspace cookie kept');
  t.match(seen.host, /^127\.0\.0\.1:\d+$/, 'client Host kept');
});

t.test('bodies are streamed to the upstream', async (t) => {
  const res = await c.fetch('/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'x'.repeat(5000) });
  t.equal(res.json().received, 5000);
});

t.test('the access log records each request with the decision reason', async (t) => {
  await c.fetch('/bytes?kb=2', { headers: { accept: 'text/plain' } });
  await gw.gw.rt.audit.flush();
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = join(gw.dir, 'audit');
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.jsonl') && !f.includes('checkpoint'));
  const lines = files.flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l));
  const rec = lines.find((l) => l.path === '/bytes' && l.kind === 'access');
  t.ok(rec, 'access record written');
  t.equal(rec.user, 'carol');
  t.equal(rec.status, 200);
  t.equal(rec.reason, 'allowed');
  t.ok(rec.bytes > 2048, `bytes counted (${rec.bytes})`);
  t.ok(typeof rec.durationMs === 'number');
  t.equal(rec.terminal, cert.fingerprint);
  t.equal(rec.session.length, 64, 'session id hash, not the cookie');
  t.notOk(JSON.stringify(lines).includes(c.cookies.get('__Host-hic-session')!), 'the cookie value never appears in the log');
  t.ok(lines.some((l) => l.event === 'login-success' && l.user === 'carol'), 'login recorded');
});
