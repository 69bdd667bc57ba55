import t from 'tap';
import { loadWorkspaceProfiles } from '../../policies/workspace-profile.js';
import { compileWorkspaceRoutes } from '../../gateway/request-path/workspace-routes.js';
import { canonicalPath } from '../../gateway/net/normalise-path.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/** DATA-1: no direct download or upload through the gateway; refusals are audited and alerted. */
t.test('the canonical path sees through escapes and dot segments, and refuses what is ambiguous', async (t) => {
  const rows: Array<[string, string | null]> = [
    ['/files/counts.csv', '/files/counts.csv'],
    ['/files/count%73.csv', '/files/counts.csv'],
    ['/%66iles/x', '/files/x'],
    ['/files/./counts.csv', '/files/counts.csv'],
    ['/x/../files/counts.csv', '/files/counts.csv'],
    ['/_hic/../files/a.csv', '/files/a.csv'],
    ['/files//counts.csv/', '/files/counts.csv/'],
    ['/notebooks/%E8%A7%A3%E6%9E%90.ipynb', '/notebooks/%E8%A7%A3%E6%9E%90.ipynb'],
    ['/notebooks/a%20b.ipynb', '/notebooks/a%20b.ipynb'],
    ['/..', '/'],
    ['//host/files/a.csv', null],
    ['/files\\a.csv', null],
    ['/files/a%2Fb.csv', null],
    ['/files/a%5cb.csv', null],
    ['/files/%E0%A4%A', null],
    ['/files/a%00.csv', null],
    ['/files/a%09.csv', null],
    ['http://evil.example/files/a.csv', null],
    ['*', null],
  ];
  for (const [raw, want] of rows) t.equal(canonicalPath(raw), want, raw);
});

t.test('the Jupyter profile: every route verdict, with its query and body judges', async (t) => {
  const routes = compileWorkspaceRoutes(loadWorkspaceProfiles().get('jupyter-notebook-6.4')!, { terminals: false, pollingPaths: [] });
  const judge = (m: string, p: string, q = '') => {
    const r = routes.judge(m, canonicalPath(p)!, q);
    if (r === null) return 'forward';
    if ('refuse' in r) return r.refuse;
    if ('inspect' in r) return `inspect:${r.inspect}`;
    return `bounded:${r.maxResponseBytes}`;
  };
  const rows: Array<[string, string, string, string]> = [
    ['GET', '/files/counts.csv', '', 'download-blocked'],
    ['GET', '/files/count%73.csv', '', 'download-blocked'],
    ['GET', '/tree/../files/counts.csv', '', 'download-blocked'],
    ['HEAD', '/files/counts.csv', '', 'download-blocked'],
    ['GET', '/nbconvert/html/a.ipynb', 'download=true', 'download-blocked'],
    ['GET', '/view/a.html', '', 'download-blocked'],
    ['GET', '/bundle/a.ipynb', 'bundler=zip', 'download-blocked'],
    ['GET', '/api/notebooks/a.ipynb', '', 'download-blocked'],
    ['PUT', '/api/config/notebook', '', 'upload-blocked'],
    ['POST', '/api/shutdown', '', 'admin-blocked'],
    ['POST', '/api/terminals', '', 'terminal-blocked'],
    ['GET', '/terminals/1', '', 'terminal-blocked'],
    ['DELETE', '/api/terminals/1', '', 'terminal-blocked'],
    ['GET', '/api/terminals', '', 'forward'],
    ['GET', '/api/contents/counts.csv', 'content=1&format=text', 'download-blocked'],
    ['GET', '/api/contents/counts.csv', 'type=file&format=base64', 'download-blocked'],
    ['GET', '/api/contents/counts.csv', 'content=0', 'forward'],
    ['GET', '/api/contents/counts.csv', 'content=0&content=1', 'download-blocked'],
    ['GET', '/api/contents/counts.csv', 'content=1&content=0', 'forward'],
    ['GET', '/api/contents/data', 'type=directory&_=1', 'forward'],
    ['GET', '/api/contents/data', '', 'download-blocked'],
    ['GET', '/api/contents/a.ipynb', 'type=notebook', 'forward'],
    ['GET', '/api/contents/script.py', 'type=file&format=text', 'bounded:532480'],
    ['GET', '/api/contents/a.ipynb/checkpoints', '', 'forward'],
    ['POST', '/api/contents/a.ipynb/checkpoints', '', 'forward'],
    ['PUT', '/api/contents/a.ipynb', '', 'inspect:content-write'],
    ['PATCH', '/api/contents/a.ipynb', '', 'inspect:rename'],
    ['GET', '/notebooks/a.ipynb', '', 'forward'],
    ['POST', '/api/kernels', '', 'forward'],
    ['POST', '/api/sessions', '', 'forward'],
  ];
  for (const [m, p, q, want] of rows) t.equal(judge(m, p, q), want, `${m} ${p}?${q}`);
  t.ok(routes.mayUpgrade('/api/kernels/abc-1/channels'), 'the kernel channel may upgrade');
  t.notOk(routes.mayUpgrade('/terminals/websocket/1'), 'terminals are off unless the project enables them');
  t.notOk(routes.mayUpgrade('/files/counts.csv'), 'nothing else may upgrade');
  const withTerminals = compileWorkspaceRoutes(loadWorkspaceProfiles().get('jupyter-notebook-6.4')!, { terminals: true, pollingPaths: [] });
  t.ok(withTerminals.mayUpgrade('/terminals/websocket/1'));
  t.equal(withTerminals.judge('POST', '/api/terminals', ''), null, 'a project that enables terminals may open one');
});

t.test('polling is judged on method, path and query (SES-1)', async (t) => {
  const routes = compileWorkspaceRoutes(loadWorkspaceProfiles().get('jupyter-notebook-6.4')!, {
    terminals: false,
    pollingPaths: ['/custom/poll'],
  });
  const rows: Array<[string, string, string, boolean]> = [
    ['GET', '/api/sessions', '_=1', true],
    ['GET', '/api/terminals', '_=1', true],
    ['GET', '/api/contents', 'type=directory&_=1', true],
    ['GET', '/api/contents/sub', 'type=directory', true],
    ['GET', '/api/contents/a.ipynb', 'content=0&_=1', true],
    ['GET', '/custom/poll', '', true],
    ['PUT', '/api/contents/a.ipynb', '', false],
    ['POST', '/api/sessions', '', false],
    ['GET', '/api/contents/a.ipynb', 'type=notebook', false],
    ['GET', '/notebooks/a.ipynb', '', false],
    ['POST', '/custom/poll', '', false],
  ];
  for (const [m, p, q, want] of rows) t.equal(routes.isPolling(m, p, q), want, `${m} ${p}?${q}`);
});

const pki = await makePki();
const gw = await startTestGateway({ pki, profile: 'demo' });
t.teardown(() => gw.close());
const cert = await pki.terminal('tr-1');
await gw.addTerminal('tr-1', cert);
const creds = await gw.addUser('iori');

t.test('through the gateway: downloads refused, uploads refused, saves pass; alerts raised', async (t) => {
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'iori', creds), 201);
  const dl = await c.fetch('/files/result.csv', { headers: { accept: 'application/json' } });
  t.equal(dl.status, 403);
  t.equal(dl.json().reason, 'download-blocked');
  const sneaky = await c.fetch('/files/./resul%74.csv', { headers: { accept: 'text/html' } });
  t.equal(sneaky.status, 403, 'escaped path: still refused');
  t.match(sneaky.body, /直接のダウンロード/);
  const upload = await c.fetch('/api/contents/data.csv', {
    method: 'PUT',
    body: { name: 'data.csv', path: 'data.csv', type: 'file', format: 'base64', content: 'cGF0aWVudA==' },
  });
  t.equal(upload.status, 403);
  t.equal(upload.json().reason, 'upload-blocked');
  const save = await c.fetch('/api/contents/analysis.ipynb', { method: 'PUT', body: { type: 'notebook', content: { cells: [] } } });
  t.equal(save.status, 201, 'saving the open notebook passes, body intact');
  t.ok(save.json().saved > 20);
  const garbage = await c.fetch('/api/contents/x', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{not json' });
  t.equal(garbage.status, 403, 'a body that cannot be judged is refused (fail closed)');
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.kind === 'access' && l.path === '/files/result.csv' && l.reason === 'download-blocked' && l.status === 403),
    'access record names the refusal',
  );
  t.ok(
    lines.some((l) => l.event === 'alert' && l.type === 'blocked-transfer' && l.user === 'iori'),
    'alert raised for the security team',
  );
});
