import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

const publicHost = new URL(gw.url).host;

t.test('inbound identity headers are stripped and set by the gateway', async (t) => {
  const res = await c.fetch('/headers', {
    headers: {
      accept: 'application/json',
      'x-hic-user': 'mallory',
      x_hic_user: 'mallory',
      'x-hic_project': 'beta',
      'x-forwarded-for': '6.6.6.6',
      cookie: `${c.cookieHeader()}; app=1`,
    },
  });
  t.equal(res.status, 200);
  const seen = res.json();
  t.equal(seen['x-hic-user'], 'carol');
  t.equal(seen['x-hic-project'], 'alpha');
  t.notOk('x_hic_user' in seen, 'an underscore spelling of an identity header is stripped too');
  t.notOk('x-hic_project' in seen, 'and a mixed one');
  t.equal(seen['x-forwarded-for'], '127.0.0.1');
  t.equal(seen.cookie, 'app=1', 'the gateway cookie is removed, the workspace cookie kept');
});

t.test('the workspace sees the gateway public origin on HTTP (Host and Origin), whatever alias the browser used', async (t) => {
  t.equal(gw.gw.rt.origins.canonical, `https://${publicHost}`);
  const plain = (await c.fetch('/headers', { headers: { accept: 'application/json' } })).json();
  t.equal(plain.host, publicHost, 'Host is the public host, not the upstream address');
  t.notOk('origin' in plain, 'no Origin invented for a request that had none');
  const alias = `https://localhost:${new URL(gw.url).port}`;
  const posted = await c.fetch('/upload', {
    method: 'POST',
    headers: { origin: alias, 'content-type': 'application/octet-stream' },
    body: 'x',
  });
  t.equal(posted.status, 200, 'a loopback alias of the gateway is its own origin');
  const viaAlias = (await c.fetch('/headers', { headers: { accept: 'application/json', origin: alias } })).json();
  t.equal(viaAlias.host, publicHost);
  t.equal(viaAlias.origin, `https://${publicHost}`, 'Origin rewritten to the canonical public origin');
});

t.test('the workspace credential: injected by the gateway, never taken from the client', async (t) => {
  // The demo workspace answers 401 without `Authorization: token <credential>`: a 200 proves the injection.
  const wrong = await c.fetch('/headers?token=guess&x=1', { headers: { accept: 'application/json', authorization: 'token guess' } });
  t.equal(wrong.status, 200, "the client's Authorization is replaced by the project's credential");
  t.equal(wrong.json()[':url'], '/headers?x=1', 'the token parameter is removed, the rest of the query kept in order');
  const encoded = await c.fetch('/headers?%74oken=guess', { headers: { accept: 'application/json' } });
  t.equal(encoded.json()[':url'], '/headers', 'an escaped token parameter is removed too');
  const credential = readFileSync(join(gw.dir, 'workspace.token'), 'utf8').trim();
  t.notOk(wrong.body.includes(credential), 'the credential never reaches the client');
  const lines = await gw.auditLines();
  t.notOk(JSON.stringify(lines).includes(credential), 'nor the audit log');
  const rec = lines.find((l) => l.kind === 'access' && l.path === '/headers' && typeof l.query === 'string' && l.query.includes('token'));
  t.equal(rec?.query, 'token=[redacted]&x=1', 'the query is recorded with secrets redacted');
});

t.test('the path judged is the path forwarded', async (t) => {
  const dotted = await c.fetch('/x/../head%65rs', { headers: { accept: 'application/json' } });
  t.equal(dotted.status, 200);
  t.equal(dotted.json()[':url'], '/headers', 'the canonical path reaches the workspace, not the raw one');
  // (Backslashes and absolute-form targets need a raw socket: a URL parser rewrites them; tests/security/ has those.)
  for (const raw of ['//127.0.0.1/files/a.csv', '/files%2Fa.csv', '/a%5Cb']) {
    const res = await c.fetch(raw, { headers: { accept: 'application/json' } });
    t.equal(res.status, 400, `${raw}: ambiguous, refused`);
    t.equal(res.json().error, 'BAD_REQUEST');
  }
});

t.test('bodies are streamed to the upstream', async (t) => {
  const res = await c.fetch('/upload?n=5000', {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'content-length': '5000' },
    body: 'x'.repeat(5000),
  });
  t.equal(res.json().received, 5000);
  // Regression: a streamed body once cost its access record (the hook read a socket Node had detached).
  const rec = (await gw.auditLines()).find(
    (l) => l.kind === 'access' && l.method === 'POST' && l.path === '/upload' && l.query === 'n=5000',
  );
  t.ok(rec, 'a request with a streamed body has its access record');
  t.ok(rec!.bytesIn > 5000 && rec!.bytesIn < 6000, `its request bytes counted (${rec!.bytesIn})`);
});

t.test('the access log records each request with the decision reason', async (t) => {
  await c.fetch('/bytes?kb=2', { headers: { accept: 'text/plain' } });
  await gw.gw.rt.audit.flush();
  const { readdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = join(gw.dir, 'audit');
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.jsonl') && !f.includes('checkpoint'));
  const lines = files.flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n')).map((l) => JSON.parse(l));
  const rec = lines.find((l) => l.path === '/bytes' && l.kind === 'access');
  t.ok(rec, 'access record written');
  t.equal(rec.user, 'carol');
  t.equal(rec.query, 'kb=2', 'the query is kept');
  t.ok(rec.bytesIn > 50 && rec.bytesIn < 2048, `request bytes counted (${rec.bytesIn})`);
  t.equal(Object.keys(rec).at(-1), 'reason', 'reason is the last field (the fast search relies on it)');
  t.equal(rec.status, 200);
  t.equal(rec.reason, 'allowed');
  t.ok(rec.bytes > 2048, `bytes counted (${rec.bytes})`);
  t.ok(typeof rec.durationMs === 'number');
  t.equal(rec.terminal, cert.fingerprint);
  t.equal(rec.session.length, 64, 'session id hash, not the cookie');
  t.notOk(JSON.stringify(lines).includes(c.cookies.get('__Host-hic-session')!), 'the cookie value never appears in the log');
  t.ok(
    lines.some((l) => l.event === 'login-success' && l.user === 'carol'),
    'login recorded',
  );
});
