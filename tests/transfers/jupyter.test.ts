import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { JUPYTER_BIN } from '../../gateway/workspace/jupyter.js';
import { CLAMD, EICAR, testClamd } from '../helpers/clamd.js';
import { startTestGateway } from '../helpers/gateway.js';
import { startTestJupyter } from '../helpers/jupyter.js';
import { makePki } from '../helpers/pki.js';

/**
 * Issue 12 on a real Jupyter Notebook 6.4 (Debian) with its token held by the gateway: the gateway reads the
 * export and writes the import through Jupyter's contents API with the project's credential; clamd scans imports.
 */
// Each `hic` run is a fresh Node process (seconds on a loaded 2-core machine): more than the suite's default 120 s.
t.setTimeout(400_000);
if (!existsSync(JUPYTER_BIN) || !existsSync(CLAMD)) {
  t.skip(`${JUPYTER_BIN} or ${CLAMD} is not installed`, () => {});
} else {
  const { jupyter, credentialFile, dir } = await startTestJupyter();
  t.teardown(() => jupyter.close());
  const notebooks = join(dir, 'notebooks');
  const table = '疾患,年齢階級,患者数\r\n糖尿病,40-44,120\r\n糖尿病,45-49,3\r\n';
  writeFileSync(join(notebooks, 'a.csv'), table);
  const clamd = testClamd();
  await clamd.start();
  t.teardown(() => clamd.stop());
  const pki = await makePki();
  const gw = await startTestGateway({
    pki,
    upstream: { url: jupyter.url, profile: 'jupyter-notebook-6.4', credentialFile },
    transfers: { clamd: { socket: clamd.socket } },
  });
  t.teardown(() => gw.close());
  const aCert = await pki.terminal('jx-a');
  const sCert = await pki.terminal('jx-s');
  await gw.addTerminal('jx-a', aCert);
  await gw.addTerminal('jx-s', sCert, []);
  const analyst = gw.client(aCert);
  // No top-level assertion before the last await: tap would end the root test at the first idle moment.
  if ((await gw.login(analyst, 'jana', await gw.addUser('jana', ['analyst'], 'alpha'))) !== 201) throw new Error('analyst login failed');
  gw.clock.advance(30_000);
  const reviewer = gw.client(sCert);
  if ((await gw.login(reviewer, 'jrev', await gw.addUser('jrev', ['reviewer'], null))) !== 201) throw new Error('reviewer login failed');
  gw.clock.advance(30_000);
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

  t.test('export from Jupyter: the 3 found, approved, three identical downloads, the fourth refused', async (t) => {
    const res = await analyst.fetch('/_hic/api/exports', { method: 'POST', body: { path: 'a.csv', purpose: 'table 1' } });
    t.equal(res.status, 201, res.body.slice(0, 200));
    t.match(res.json(), {
      status: 'pending',
      sha256: sha(table),
      findings: [{ rule: 'patient-count-under-10', row: 3, column: '患者数', value: '3' }],
    });
    const id = res.json().id;
    t.equal((await analyst.fetch(`/_hic/api/exports/${id}/file`)).status, 403, 'pending: refused');
    t.equal((await reviewer.fetch(`/_hic/api/transfers/${id}/approve`, { method: 'POST', body: { comment: 'ok' } })).status, 200);
    for (let i = 1; i <= 3; i++) {
      const got = await analyst.fetch(`/_hic/api/exports/${id}/file`);
      t.equal(got.status, 200);
      t.equal(sha(Buffer.from(got.body, 'utf8')), sha(table), `download ${i}: the exact bytes`);
    }
    t.equal((await analyst.fetch(`/_hic/api/exports/${id}/file`)).status, 403, 'the fourth is refused');
  });

  const upload = async (content: string, target: string) => {
    const boundary = '----hicjx';
    const part = (f: string, v: string, file?: string) =>
      `--${boundary}\r\ncontent-disposition: form-data; name="${f}"${file ? `; filename="${file}"` : ''}\r\n\r\n${v}\r\n`;
    return analyst.fetch('/_hic/api/imports', {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: part('purpose', 'master') + part('target', target) + part('file', content, 'm.csv') + `--${boundary}--\r\n`,
    });
  };

  t.test('import into Jupyter: a clean file appears in its contents with the recorded hash; EICAR never does', async (t) => {
    const clean = 'code,name\r\n13,東京都\r\n';
    const ok = await upload(clean, 'masters/pref.csv');
    t.match(ok.json(), { status: 'pending', scan: { status: 'clean' } });
    t.equal(existsSync(join(notebooks, 'masters', 'pref.csv')), false, 'nothing placed before the review');
    const placed = await reviewer.fetch(`/_hic/api/transfers/${ok.json().id}/approve`, { method: 'POST', body: { comment: 'ok' } });
    t.match(placed.json(), { status: 'placed', placement: { writtenSha256: sha(clean), readBackSha256: sha(clean) } });
    t.equal(sha(readFileSync(join(notebooks, 'masters', 'pref.csv'))), sha(clean), "the bytes on Jupyter's disk have the recorded hash");
    const bad = await upload(EICAR, 'eicar.txt');
    t.match(bad.json(), { status: 'infected', scan: { signature: /^Hic\.Test\.EICAR/ } });
    t.equal((await reviewer.fetch(`/_hic/api/transfers/${bad.json().id}/approve`, { method: 'POST', body: { comment: 'x' } })).status, 409);
    t.equal(existsSync(join(notebooks, 'eicar.txt')), false, 'never placed');
  });
}
