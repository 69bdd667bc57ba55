import t from 'tap';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/** AC-2 / AUTH-8 over real TLS handshakes: the guard, not the handshake, decides and names the problem. */
const pki = await makePki();
const foreign = await makePki();
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());

const valid = await pki.terminal('t-valid');
await gw.addTerminal('t-valid', valid);
const expired = await pki.terminal('t-expired', {
  notBefore: new Date(Date.now() - 10 * 86_400_000),
  notAfter: new Date(Date.now() - 86_400_000),
});
await gw.addTerminal('t-expired', expired);
const unregistered = await pki.terminal('t-unregistered');
const outsider = await foreign.terminal('t-foreign');

t.test('no certificate: 403 page naming the missing certificate', async (t) => {
  const res = await gw.client().fetch('/_hic/login', { headers: { accept: 'text/html' } });
  t.equal(res.status, 403);
  t.match(res.body, /端末証明書が提示されていません/);
  t.notMatch(res.body, /at .*\.ts:\d+/, 'no stack trace');
});

t.test('certificate from another CA: 403 untrusted', async (t) => {
  const res = await gw.client(outsider).fetch('/_hic/api/session');
  t.equal(res.status, 403);
  t.equal(res.json().reason, 'terminal-certificate-untrusted');
});

t.test('expired certificate: 403 expired', async (t) => {
  const res = await gw.client(expired).fetch('/_hic/api/session');
  t.equal(res.status, 403);
  t.equal(res.json().reason, 'terminal-certificate-expired');
});

t.test('valid certificate of our CA but not in the register: 403 not registered', async (t) => {
  const res = await gw.client(unregistered).fetch('/_hic/login', { headers: { accept: 'text/html' } });
  t.equal(res.status, 403);
  t.match(res.body, /利用端末管理簿/);
});

t.test('registered valid certificate: the login page is served', async (t) => {
  const res = await gw.client(valid).fetch('/_hic/login', { headers: { accept: 'text/html' } });
  t.equal(res.status, 200);
  t.match(res.body, /name="password"/);
  t.match(res.headers['content-security-policy'] as string, /default-src 'none'/);
});

t.test('workspace paths without a certificate are refused too (no way around the path)', async (t) => {
  const res = await gw.client().fetch('/anything', { headers: { accept: 'application/json' } });
  t.equal(res.status, 403);
  t.equal(res.json().reason, 'terminal-certificate-missing');
});

t.test('the verdict is cached per TLS connection: a registry change is seen on a new connection only', async (t) => {
  const cert = await pki.terminal('t-cache');
  await gw.addTerminal('t-cache', cert);
  const client = gw.client(cert);
  t.equal((await client.fetch('/_hic/api/session')).status, 401, 'terminal accepted (then no session)');
  // Change the register behind the gateway's back (no pub/sub news): the open connection keeps its verdict.
  const entry = (await gw.gw.rt.stores.terminals.get('t-cache'))!;
  await gw.gw.rt.stores.terminals.put({ ...entry, status: 'revoked' });
  t.equal((await client.fetch('/_hic/api/session')).status, 401, 'same connection: cached verdict');
  const fresh = gw.client(cert);
  const res = await fresh.fetch('/_hic/api/session');
  t.equal(res.status, 403, 'new connection: verdict recomputed');
  t.equal(res.json().reason, 'terminal-revoked');
  // News may have been lost (subscriber reconnected): open connections are re-vetted on their next request.
  await gw.gw.rt.stores.events.publish({ type: 'resync' });
  await new Promise((r) => setImmediate(r));
  const again = await client.fetch('/_hic/api/session');
  t.equal(again.status, 403, 'after a resync the open connection is checked again');
  t.equal(again.json().reason, 'terminal-revoked');
});

t.test('revocation news cuts the open connections made with that certificate', async (t) => {
  const cert = await pki.terminal('t-cut');
  await gw.addTerminal('t-cut', cert);
  const client = gw.client(cert);
  t.equal((await client.fetch('/_hic/api/session')).status, 401);
  t.equal(gw.gw.rt.connections.count(cert.fingerprint), 1, 'connection tracked by fingerprint');
  const entry = (await gw.gw.rt.stores.terminals.get('t-cut'))!;
  await gw.gw.rt.stores.terminals.put({ ...entry, status: 'revoked' });
  await gw.gw.rt.stores.events.publish({ type: 'terminal-revoked', fingerprint: cert.fingerprint, reason: 'test' });
  await new Promise((r) => setImmediate(r));
  t.equal(gw.gw.rt.connections.count(cert.fingerprint), 0, 'connection destroyed');
  const res = await gw.client(cert).fetch('/_hic/api/session');
  t.equal(res.status, 403, 'a new connection with the revoked certificate is refused');
  t.equal(res.json().reason, 'terminal-revoked');
});

t.test('the health check answers loopback peers without a certificate', async (t) => {
  const res = await gw.client().fetch('/_hic/health');
  t.equal(res.status, 200);
  t.same(res.json(), { status: 'ok' });
});
