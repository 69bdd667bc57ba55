import t from 'tap';
import { randomBytes } from 'node:crypto';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { BrowserLike, closedWithin, execute, opened, startTestJupyter } from '../helpers/jupyter.js';

/**
 * A stock Jupyter Notebook 6.4 from Debian behind the gateway, started with only the settings that
 * docs/workspaces/jupyter.md lists: it works as the analyst uses it (open, edit, run cells, save, new notebook,
 * rename, delete) over real TLS with a terminal certificate, Jupyter's login page never appears, and the analyst
 * never needs the token.
 */
const { jupyter, credentialFile, token } = await startTestJupyter();
t.teardown(() => jupyter.close());
const pki = await makePki();
const gw = await startTestGateway({ pki, upstream: { url: jupyter.url, profile: 'jupyter-notebook-6.4', credentialFile } });
t.teardown(() => gw.close());
const cert = await pki.terminal('jw-1');
await gw.addTerminal('jw-1', cert);
const creds = await gw.addUser('aoi');
const client = gw.client(cert);
t.equal(await gw.login(client, 'aoi', creds), 201);
const browser = new BrowserLike(client, gw.url);

t.test('the tree opens with no Jupyter login page and no token in sight', async (t) => {
  const tree = await browser.page('/tree');
  t.equal(tree.status, 200);
  t.notMatch(tree.body, /Password or token|login_submit/i, "Jupyter's own login page never appears");
  t.notOk(tree.body.includes(token), 'the workspace token never reaches the browser (Jupyter writes it into its pages)');
  t.match(tree.body, /data-jupyter-api-token=""/, 'the place Jupyter puts it is empty');
  t.ok(client.cookies.has('_xsrf'), "Jupyter's XSRF cookie reaches the browser");
  const login = await browser.page('/login');
  t.equal(login.status, 302, '/login itself just sends an authenticated user on');
  const list = await browser.api('GET', '/api/contents?type=directory');
  t.equal(list.status, 200);
  t.same(
    list
      .json()
      .content.map((f: { name: string }) => f.name)
      .sort(),
    ['counts.csv', 'sample.ipynb'],
  );
});

t.test('new notebook, kernel over the WebSocket, save, rename, delete', async (t) => {
  const created = await browser.api('POST', '/api/contents', { type: 'notebook' });
  t.equal(created.status, 201, `New notebook (${created.body.slice(0, 120)})`);
  const path: string = created.json().path;
  t.match(path, /^Untitled\d*\.ipynb$/);
  const page = await browser.page(`/notebooks/${path}`);
  t.equal(page.status, 200, 'the notebook page opens');
  const loaded = await browser.api('GET', `/api/contents/${path}?type=notebook&_=1`);
  t.equal(loaded.status, 200, 'the notebook loads through the contents API');
  const session = await browser.api('POST', '/api/sessions', { path, type: 'notebook', name: '', kernel: { name: 'python3' } });
  t.equal(session.status, 201, `a kernel starts (${session.body.slice(0, 120)})`);
  const kernelId: string = session.json().kernel.id;
  const sessionId = randomBytes(16).toString('hex');
  const ws = browser.kernelSocket(kernelId, sessionId);
  await opened(ws);
  t.equal(await execute(ws, sessionId, '1+1'), '2', 'a cell runs: 1+1 → 2');
  t.equal(
    await execute(ws, sessionId, "sum(int(l.split(',')[2]) for l in open('counts.csv', encoding='utf-8').read().splitlines()[1:])"),
    '471',
    'it reads the data inside the workspace',
  );
  const nb = loaded.json().content;
  nb.cells = [{ cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: '1+1' }];
  const meta = await browser.api('GET', `/api/contents/${path}?content=0&_=2`);
  t.equal(meta.status, 200, 'the metadata read before a save');
  const saved = await browser.api(
    'PUT',
    `/api/contents/${path}`,
    { type: 'notebook', content: nb },
    { referer: `${gw.url}/notebooks/${path}` },
  );
  t.equal(saved.status, 200, `save (${saved.body.slice(0, 120)})`);
  const reread = await browser.api('GET', `/api/contents/${path}?type=notebook`);
  t.equal(reread.json().content.cells[0].source, '1+1', 'the saved cell is there');
  const renamed = await browser.api('PATCH', `/api/contents/${path}`, { path: 'analysis.ipynb' });
  t.equal(renamed.status, 200, 'rename');
  t.equal(renamed.json().path, 'analysis.ipynb');
  ws.close();
  t.ok(await closedWithin(ws, 10_000), 'the kernel socket closes');
  const sessions = await browser.api('GET', '/api/sessions');
  for (const s of sessions.json() as Array<{ id: string }>)
    t.equal((await browser.api('DELETE', `/api/sessions/${s.id}`)).status, 204, 'kernel shut down');
  const deleted = await browser.api('DELETE', '/api/contents/analysis.ipynb');
  t.equal(deleted.status, 204, 'delete');
  const text = await browser.api('POST', '/api/contents', { type: 'file', ext: '.py' });
  t.equal(text.status, 201, 'New > Text file');
  const edited = await browser.api('PUT', `/api/contents/${text.json().path as string}`, {
    path: text.json().path,
    type: 'file',
    format: 'text',
    content: 'print(1)\n',
  });
  t.equal(edited.status, 200, 'the text editor saves a code file');
  const back = await browser.api('GET', `/api/contents/${text.json().path as string}?type=file&format=text&_=3`);
  t.equal(back.status, 200, 'and opens it again');
  t.equal(back.json().content, 'print(1)\n');
});

t.test('one origin on HTTP and WebSocket: Jupyter checks apply and pass (cookie-authenticated requests)', async (t) => {
  // After the first token-authenticated answer Jupyter gives the browser its login cookie; later requests are
  // cookie-authenticated and so Origin/Host and XSRF are checked by Jupyter itself as well.
  t.ok(
    [...client.cookies.keys()].some((k) => k.startsWith('username-')),
    "Jupyter's login cookie is set for the gateway's host",
  );
  const created = await browser.api('POST', '/api/contents', { type: 'directory' });
  t.equal(created.status, 201, 'POST with the browser origin passes Jupyter cross-origin check');
  const noXsrf = await client.fetch('/api/contents', {
    method: 'POST',
    headers: { accept: 'application/json', origin: gw.url },
    body: { type: 'directory' },
  });
  t.equal(noXsrf.status, 201, 'the injected token covers requests without XSRF (the gateway then checks Origin itself)');
});
