import t from 'tap';
import { loadWorkspaceProfiles } from '../../policies/workspace-profile.js';
import { compileTransferRules } from '../../gateway/request-path/transfer.js';
import { normalisePath } from '../../gateway/net/normalise-path.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';

/** DATA-1: no direct download or upload through the gateway; refusals are audited and alerted. */
t.test('path normalisation sees through escapes and dot segments', async (t) => {
  t.equal(normalisePath('/files/count%73.csv'), '/files/counts.csv');
  t.equal(normalisePath('/%66iles/x'), '/files/x');
  t.equal(normalisePath('/files/./counts.csv'), '/files/counts.csv');
  t.equal(normalisePath('/x/../files/counts.csv'), '/files/counts.csv');
  t.equal(normalisePath('//files//counts.csv/'), '/files/counts.csv');
  t.equal(normalisePath('/files/%E0%A4%A'), null, 'undecodable');
});

t.test('the Jupyter profile classifies the measured routes', async (t) => {
  const rules = compileTransferRules(loadWorkspaceProfiles().get('jupyter-notebook-6.4'));
  const cls = (m: string, p: string) => {
    const r = rules.classify(m, p);
    return r === null || r === 'undecodable' ? r : r.body ? `${r.class}?body` : r.class;
  };
  t.equal(cls('GET', '/files/counts.csv'), 'download');
  t.equal(cls('GET', '/files/count%73.csv'), 'download');
  t.equal(cls('GET', '/tree/../files/counts.csv'), 'download');
  t.equal(cls('GET', '/nbconvert/html/a.ipynb'), 'download');
  t.equal(cls('GET', '/view/a.html'), 'download');
  t.equal(cls('PUT', '/api/config/notebook'), 'upload');
  t.equal(cls('PUT', '/api/contents/a.ipynb'), 'upload?body', 'save vs upload: decided by the body');
  t.equal(cls('GET', '/api/contents/a.ipynb'), null, 'loading the open notebook is editing, not a download');
  t.equal(cls('GET', '/notebooks/a.ipynb'), null);
  t.equal(cls('POST', '/api/kernels'), null);
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
  const upload = await c.fetch('/api/contents/data.csv', { method: 'PUT', body: { name: 'data.csv', path: 'data.csv', type: 'file', format: 'base64', content: 'cGF0aWVudA==' } });
  t.equal(upload.status, 403);
  t.equal(upload.json().reason, 'upload-blocked');
  const save = await c.fetch('/api/contents/analysis.ipynb', { method: 'PUT', body: { type: 'notebook', content: { cells: [] } } });
  t.equal(save.status, 201, 'saving the open notebook passes, body intact');
  t.ok(save.json().saved > 20);
  const garbage = await c.fetch('/api/contents/x', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{not json' });
  t.equal(garbage.status, 403, 'a body that cannot be judged is refused (fail closed)');
  const lines = await gw.auditLines();
  t.ok(lines.some((l) => l.kind === 'access' && l.path === '/files/result.csv' && l.reason === 'download-blocked' && l.status === 403), 'access record names the refusal');
  t.ok(lines.some((l) => l.event === 'alert' && l.type === 'blocked-transfer' && l.user === 'iori'), 'alert raised for the security team');
});
