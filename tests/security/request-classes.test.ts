import t from 'tap';
import { randomBytes } from 'node:crypto';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { rawTls, wsOutcome } from '../helpers/client.js';
import { refusalResponse } from '../../gateway/http/refusal.js';
import { deny } from '../../gateway/request-path/decision.js';

/**
 * Regressions of the black-box attacks on request classification (issue 11, items 2 and 3): every request is
 * classified before any stage, every class has its own answer, never a 500 or a stack trace for client input, and
 * one refusal writer serves HTTP and WebSocket upgrades alike.
 */
const pki = await makePki();
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());
const cert = await pki.terminal('rc-1');
await gw.addTerminal('rc-1', cert);
const creds = await gw.addUser('mio');
const client = gw.client(cert);
t.equal(await gw.login(client, 'mio', creds), 201);

const raw = (request: string) => rawTls(gw.url, pki.caBundle, cert, request);

t.test('unknown-gateway-paths: a 404 of the gateway, never a 500, never forwarded', async (t) => {
  // (`/_hic` itself is the staff portal.)
  for (const [method, path] of [
    ['GET', '/_hic/nope'],
    ['GET', '/_hic/api/session/'],
    ['OPTIONS', '/_hic/api/session'],
    ['DELETE', '/_hic/login'],
    ['GET', '/_hic/static/nope.js'],
  ]) {
    const page = await client.fetch(path, { method, headers: { accept: 'text/html' } });
    t.equal(page.status, 404, `${method} ${path}`);
    t.match(page.body, /ページが見つかりません/, 'a page, Japanese first');
    t.notMatch(page.body, /not found$|internal/i, 'not the workspace answer, not an internal error');
    const json = await client.fetch(path, { method, headers: { accept: 'application/json' } });
    t.equal(json.json().error, 'NOT_FOUND');
  }
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.kind === 'access' && l.path === '/_hic/nope' && l.status === 404 && l.reason === 'gateway-path-unknown'),
    'audited as gateway-path-unknown',
  );
});

t.test('traversal toward the gateway or out of it is judged on the canonical path', async (t) => {
  const out = await client.fetch('/_hic/../files/a.csv', { headers: { accept: 'application/json' } });
  t.equal(out.status, 403, '/_hic/../files/a.csv is the workspace route /files/a.csv: refused as a download');
  t.equal(out.json().reason, 'download-blocked');
  const into = await client.fetch('/files/../_hic/api/session', { headers: { accept: 'application/json' } });
  t.not(into.status, 500);
});

t.test('absolute-form-targets and other ambiguous targets: 400, no stack trace, nothing forwarded', async (t) => {
  const cookie = client.cookieHeader();
  for (const target of ['https://localhost/files/a.csv', 'http://evil.example/', '*', '//evil.example/x', '/a\\b', '/a%2fb', '/a%00b']) {
    const answer = await raw(
      `GET ${target} HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`,
    );
    t.match(answer, /^HTTP\/1\.1 400 /, target);
    t.match(answer, /"error":"BAD_REQUEST"/);
    t.notMatch(answer, /at [\w.<>]+ \(|node:internal|stack/i, 'no stack trace');
  }
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.kind === 'access' && l.path === '(invalid)' && l.status === 400 && l.reason === 'path-invalid'),
    "audited as 'path-invalid'",
  );
});

t.test('upgrade-refusal-reasons: one refusal writer, no reason header, same body as HTTP', async (t) => {
  const anonymous = gw.client(cert);
  const { status } = await wsOutcome(anonymous.websocket('/echo'));
  t.equal(status, 401);
  const key = randomBytes(16).toString('base64');
  const answer = await raw(
    `GET /echo HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`,
  );
  t.notMatch(answer, /x-hic-reason/i, 'the reason stays in the log');
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  const expected = refusalResponse(deny('session-missing') as Extract<ReturnType<typeof deny>, { allow: false }>, {
    method: 'GET',
    url: '/echo',
    headers: {},
    upgrade: true,
  });
  t.equal(body, expected.body, 'exactly the JSON an API client gets over HTTP');
  const http = await anonymous.fetch('/echo', { headers: { accept: 'application/json' } });
  t.equal(http.body, expected.body, 'HTTP and upgrade refusals are the same bytes');
  const notEndpoint = await wsOutcome(client.websocket('/headers', { origin: gw.url }));
  t.equal(notEndpoint.status, 403, 'only the profile WebSocket endpoints may upgrade');
});
