import t from 'tap';
import { randomBytes } from 'node:crypto';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { rawTls, wsOutcome } from '../helpers/client.js';
import { BrowserLike, closedWithin, execute, opened, startTestJupyter } from '../helpers/jupyter.js';

/**
 * DATA-1 through a real Jupyter: every leak found when the gateway was tried in front of it is refused and
 * audited, and the workspace keeps working. Also what the analyst and the security team see of a refusal.
 */
const { jupyter, credentialFile } = await startTestJupyter();
t.teardown(() => jupyter.close());
const pki = await makePki();
const gw = await startTestGateway({ pki, upstream: { url: jupyter.url, profile: 'jupyter-notebook-6.4', credentialFile } });
t.teardown(() => gw.close());
const cert = await pki.terminal('jb-1');
await gw.addTerminal('jb-1', cert);
const creds = await gw.addUser('ren');
const client = gw.client(cert);
t.equal(await gw.login(client, 'ren', creds), 201);
const browser = new BrowserLike(client, gw.url);

const raw = (request: string) => rawTls(gw.url, pki.caBundle, cert, request);
const cookie = () => client.cookieHeader();

t.test('an upgrade of any other method is refused, and never relays the route body', async (t) => {
  // (Inside a subtest: tap may end the root test, and run its teardowns, once a top-level assertion leaves it idle.)
  t.equal((await browser.page('/tree')).status, 200, 'the tree opens');
  for (const [method, path] of [
    ['POST', '/files/counts.csv'],
    ['POST', '/nbconvert/script/sample.ipynb'],
    ['PUT', '/api/kernels/x/channels'],
  ]) {
    const answer = await raw(
      `${method} ${path} HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie()}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nContent-Length: 0\r\n\r\n`,
    );
    t.match(answer, /^HTTP\/1\.1 400 /, `${method} ${path} with upgrade headers: 400`);
    t.notMatch(answer, /患者数|40-44/, 'no file content');
    t.notMatch(answer, /x-hic-reason/i, 'no refusal reason header');
  }
  const ws = await wsOutcome(client.websocket('/files/counts.csv', { origin: gw.url }));
  t.equal(ws.status, 403, 'a GET upgrade of a route that is no WebSocket endpoint is refused before the workspace');
  const terminal = await wsOutcome(client.websocket('/terminals/websocket/1', { origin: gw.url }));
  t.equal(terminal.status, 403, 'terminal sockets are off');
  const unknownKernel = await wsOutcome(client.websocket('/api/kernels/no-such-kernel/channels', { origin: gw.url }));
  t.equal(unknownKernel.status, 502, "the workspace's own refusal (404) is not relayed: the gateway's 502");
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.kind === 'access' && l.method === 'WS' && l.reason === 'upgrade-method-invalid'),
    "audited as 'upgrade-method-invalid'",
  );
  t.ok(
    lines.some((l) => l.kind === 'access' && l.method === 'WS' && l.status === 404 && l.reason === 'workspace-refused-upgrade'),
    "audited as 'workspace-refused-upgrade' with the workspace's status",
  );
  t.ok(
    lines.some((l) => l.kind === 'access' && l.method === 'WS' && l.reason === 'upgrade-not-allowed'),
    "audited as 'upgrade-not-allowed'",
  );
});

t.test('ambiguous targets are refused; the path judged is the path forwarded', async (t) => {
  const rows: Array<[string, RegExp]> = [
    [`GET //localhost/files/counts.csv HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie()}\r\n\r\n`, /^HTTP\/1\.1 400 /],
    [`GET /files\\counts.csv HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie()}\r\n\r\n`, /^HTTP\/1\.1 400 /],
    [`GET /files%2fcounts.csv HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie()}\r\n\r\n`, /^HTTP\/1\.1 400 /],
    [`GET https://localhost/files/counts.csv HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie()}\r\n\r\n`, /^HTTP\/1\.1 400 /],
    [`GET http://evil.example/files/counts.csv HTTP/1.1\r\nHost: evil.example\r\nCookie: ${cookie()}\r\n\r\n`, /^HTTP\/1\.1 400 /],
    [`GET /files/count%73.csv HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie()}\r\n\r\n`, /^HTTP\/1\.1 403 /],
    [`GET /_hic/../files/counts.csv HTTP/1.1\r\nHost: localhost\r\nCookie: ${cookie()}\r\n\r\n`, /^HTTP\/1\.1 403 /],
  ];
  for (const [request, want] of rows) {
    const answer = await raw(request.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
    t.match(answer, want, request.split('\r\n')[0]!);
    t.notMatch(answer, /患者数|40-44/, 'no file content');
    t.notMatch(answer, /at [\w.<>]+ \(|node:internal|Error:/, 'no stack trace');
  }
});

t.test('the contents API: data files are not read, uploads and data-kind text writes are refused', async (t) => {
  const rows: Array<[string, string, object | undefined, number, string]> = [
    ['GET', '/api/contents/counts.csv?content=1&format=text', undefined, 403, 'download-blocked'],
    ['GET', '/api/contents/counts.csv?type=file&format=base64', undefined, 403, 'download-blocked'],
    ['GET', '/api/contents/counts.csv?content=0&content=1', undefined, 403, 'download-blocked'],
    ['GET', '/edit/counts.csv', undefined, 200, 'allowed'],
    ['PUT', '/api/contents/new.csv', { type: 'file', format: 'text', content: 'a,b\n1,2\n' }, 403, 'upload-blocked'],
    [
      'PUT',
      '/api/contents/up.csv',
      { name: 'up.csv', path: 'up.csv', type: 'file', format: 'base64', content: 'YSxiCg==' },
      403,
      'upload-blocked',
    ],
    ['PUT', '/api/contents/big.py', { type: 'file', format: 'text', content: 'x'.repeat(300_000) }, 403, 'upload-blocked'],
    ['PATCH', '/api/contents/counts.csv', { path: 'counts.py' }, 403, 'transfer-blocked'],
    ['POST', '/api/shutdown', undefined, 403, 'admin-blocked'],
    ['POST', '/api/terminals', undefined, 403, 'terminal-blocked'],
    ['PUT', '/api/config/notebook', { load_extensions: {} }, 403, 'upload-blocked'],
  ];
  for (const [method, path, body, status, reason] of rows) {
    const res = await browser.api(method, path, body);
    t.equal(res.status, status, `${method} ${path}`);
    if (status === 403) {
      t.equal(res.json().reason, reason);
      t.type(res.json().message, 'string', 'a JSON message Jupyter shows');
      t.notMatch(res.body, /患者数/, 'no content');
    }
  }
  const meta = await browser.api('GET', '/api/contents/counts.csv?content=0');
  t.equal(meta.status, 200, 'metadata of a data file is fine');
  t.equal(meta.json().content, null);
  t.equal((await browser.api('GET', '/api/status')).status, 200, 'the workspace is still up after the refused shutdown');
  const lines = await gw.auditLines();
  const refused = lines.filter((l) => l.kind === 'access' && l.user === 'ren' && l.status === 403);
  for (const [method, path, , status, reason] of rows) {
    if (status !== 403) continue;
    const p = path.split('?')[0];
    t.ok(
      refused.some((l) => l.method === method && l.path === p && l.reason === reason),
      `audited: ${method} ${p} ${reason}`,
    );
  }
  t.ok(
    lines.some((l) => l.kind === 'access' && l.path === '/api/contents/counts.csv' && l.query === 'content=1&format=text'),
    'the query is in the record',
  );
  t.ok(
    lines.some((l) => l.event === 'alert' && l.type === 'blocked-transfer' && l.user === 'ren'),
    'blocked transfers are alerted',
  );
});

t.test('a foreign Origin cannot change anything or open a kernel socket (Jupyter skips its own check for the token)', async (t) => {
  const created = await browser.api('POST', '/api/contents', { type: 'file', ext: '.py' }, { origin: 'https://evil.example' });
  t.equal(created.status, 403);
  t.equal(created.json().error, 'FORBIDDEN');
  const site = await client.fetch('/api/contents', {
    method: 'POST',
    headers: { accept: 'application/json', 'sec-fetch-site': 'cross-site' },
    body: { type: 'directory' },
  });
  t.equal(site.status, 403, 'Sec-Fetch-Site: cross-site is refused too');
  const session = await browser.api('POST', '/api/sessions', {
    path: 'sample.ipynb',
    type: 'notebook',
    name: '',
    kernel: { name: 'python3' },
  });
  t.equal(session.status, 201);
  const kernelId: string = session.json().kernel.id;
  const foreign = await wsOutcome(browser.kernelSocket(kernelId, 'abc', 'https://evil.example'));
  t.equal(foreign.status, 403, 'cross-site WebSocket hijacking refused');
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.kind === 'access' && l.reason === 'origin-mismatch' && l.method === 'WS'),
    'audited',
  );
});

t.test('activity: saves and kernel messages keep the session, polling does not; idle expiry closes the kernel socket', async (t) => {
  const session = await browser.api('POST', '/api/sessions', {
    path: 'sample.ipynb',
    type: 'notebook',
    name: '',
    kernel: { name: 'python3' },
  });
  const kernelId: string = session.json().kernel.id;
  const sid = randomBytes(16).toString('hex');
  const ws = browser.kernelSocket(kernelId, sid);
  await opened(ws);
  t.equal(await execute(ws, sid, '1+1'), '2');
  const minute = 60_000;
  // 15 min later a save; 15 min after that a cell; 15 min after that still in: 45 min with no gap over 20.
  gw.clock.advance(15 * minute);
  const nb = (await browser.api('GET', '/api/contents/sample.ipynb?type=notebook')).json().content;
  t.equal((await browser.api('PUT', '/api/contents/sample.ipynb', { type: 'notebook', content: nb })).status, 200, 'a save at 15 min');
  gw.clock.advance(15 * minute);
  t.equal(await execute(ws, sid, '2+2'), '4', 'a cell at 30 min (no HTTP request for 15 min)');
  gw.clock.advance(15 * minute);
  t.equal((await browser.api('GET', '/api/sessions?_=1')).status, 200, 'still logged in at 45 min');
  // Polling alone for 21 minutes: logged out, and the kernel socket is closed by the gateway.
  for (let i = 0; i < 3; i++) {
    gw.clock.advance(7 * minute);
    await browser.api('GET', '/api/sessions?_=2');
  }
  t.ok(await closedWithin(ws, 5_000), 'the kernel WebSocket is closed at idle expiry');
  const after = await browser.api('GET', '/api/contents?type=directory');
  t.equal(after.status, 401, 'polling did not keep the session');
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.event === 'session-end' && l.user === 'ren' && l.reason === 'idle-timeout'),
    'idle timeout recorded',
  );
  t.ok(
    lines.some((l) => l.kind === 'access' && l.method === 'WS-CLOSE' && l.user === 'ren' && l.bytesIn > 0 && l.bytes > 0),
    'the socket close is recorded with bytes both ways',
  );
});

t.test('a stopped workspace: a 502 page "workspace unavailable", audited as such', async (t) => {
  t.equal(await gw.login(client, 'ren', creds), 201);
  await jupyter.close();
  const res = await client.fetch('/tree', { headers: { accept: 'text/html' } });
  t.equal(res.status, 502);
  t.match(res.body, /ワークスペースに接続できません/);
  const en = await client.fetch('/tree?lang=en', { headers: { accept: 'text/html' } });
  t.match(en.body, /workspace is unavailable/);
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.kind === 'access' && l.path === '/tree' && l.status === 502 && l.reason === 'workspace-unavailable'),
    'audited as workspace-unavailable, not allowed',
  );
});
