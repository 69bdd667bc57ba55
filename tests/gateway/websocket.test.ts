import t from 'tap';
import type WebSocket from 'ws';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { wsOutcome } from '../helpers/client.js';

/** WebSocket upgrades go through the same request path and are cut when the session ends. */
const pki = await makePki();
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());
const cert = await pki.terminal('ws-1');
const other = await pki.terminal('ws-2');
await gw.addTerminal('ws-1', cert);
await gw.addTerminal('ws-2', other);
const bob = await gw.addUser('bob');

function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(String(d))));
}
function closed(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => ws.once('close', () => resolve()));
}

t.test('upgrade without a session is refused with 401', async (t) => {
  const { status } = await wsOutcome(gw.client(cert).websocket('/echo'));
  t.equal(status, 401);
});

t.test('upgrade without a certificate is refused with 403', async (t) => {
  const { status } = await wsOutcome(gw.client().websocket('/echo'));
  t.equal(status, 403);
});

t.test('with a session it echoes; after logout the open socket is closed', async (t) => {
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'bob', bob), 201);
  gw.clock.advance(30_000);
  const { status, ws } = await wsOutcome(c.websocket('/echo'));
  t.equal(status, 101);
  ws.send('こんにちは');
  t.equal(await nextMessage(ws), 'こんにちは');
  const done = closed(ws);
  t.equal((await c.fetch('/_hic/api/session', { method: 'DELETE' })).status, 204);
  await done;
  t.pass('socket closed by logout');
});

t.test('the cookie over another terminal cannot open a socket', async (t) => {
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'bob', bob), 201);
  gw.clock.advance(30_000);
  const { status } = await wsOutcome(gw.client(other).websocket('/echo', { cookie: c.cookieHeader() }));
  t.equal(status, 403);
});

t.test('a cross-site Origin cannot open a socket with the cookie', async (t) => {
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'bob', bob), 201);
  gw.clock.advance(30_000);
  const { status } = await wsOutcome(c.websocket('/echo', { origin: 'https://evil.example' }));
  t.equal(status, 403);
});

t.test('suspension news closes every socket of the user', async (t) => {
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'bob', bob), 201);
  gw.clock.advance(30_000);
  const { status, ws } = await wsOutcome(c.websocket('/echo'));
  t.equal(status, 101);
  const done = closed(ws);
  await gw.gw.rt.sessions.endAllForUser('bob', 'suspended', 'test');
  await done;
  t.equal((await c.fetch('/', { headers: { accept: 'application/json' } })).status, 401);
});
