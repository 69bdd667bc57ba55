import t from 'tap';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/** AC-1: approved networks per project; X-Forwarded-For only from trusted proxies. */
const pki = await makePki();
const cert = await pki.terminal('net-1');

t.test('an address outside the approved CIDRs is refused', async (t) => {
  const gw = await startTestGateway({ pki, networks: ['10.0.0.0/8'] });
  t.teardown(() => gw.close());
  await gw.addTerminal('net-1', cert);
  const res = await gw.client(cert).fetch('/_hic/api/session');
  t.equal(res.status, 403);
  t.equal(res.json().reason, 'network-not-approved');
});

t.test('a spoofed X-Forwarded-For from an untrusted peer is ignored', async (t) => {
  const gw = await startTestGateway({ pki, networks: ['10.0.0.0/8'] });
  t.teardown(() => gw.close());
  await gw.addTerminal('net-1', cert);
  const res = await gw.client(cert).fetch('/_hic/api/session', { headers: { 'x-forwarded-for': '10.1.2.3' } });
  t.equal(res.status, 403, 'loopback peer is not a trusted proxy: its header is not believed');
  t.equal(res.json().reason, 'network-not-approved');
});

t.test('X-Forwarded-For from a trusted proxy is honoured (right-most untrusted hop)', async (t) => {
  const gw = await startTestGateway({ pki, networks: ['10.0.0.0/8'], trustedProxies: ['127.0.0.1/32'] });
  t.teardown(() => gw.close());
  await gw.addTerminal('net-1', cert);
  const c = gw.client(cert);
  t.equal(
    (await c.fetch('/_hic/api/session', { headers: { 'x-forwarded-for': '10.1.2.3' } })).status,
    401,
    'inside: passes to the session stage',
  );
  const spoof = await c.fetch('/_hic/api/session', { headers: { 'x-forwarded-for': '10.1.2.3, 192.0.2.7' } });
  t.equal(spoof.status, 403, 'a client-prepended address does not help: the proxy-appended hop decides');
  t.equal(spoof.json().reason, 'network-not-approved');
});
