import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import t from 'tap';
import { transferContext } from '../../gateway/transfers/context.js';
import { CLAMD, EICAR, testClamd } from '../helpers/clamd.js';
import { startTestGateway } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';

/**
 * Imports (DATA-2) with a real clamd (Debian's clamav-daemon) on a private socket and a signature database the
 * test writes: scanner down → the import waits; EICAR → quarantined and never placed; clean → placed into the
 * demo workspace's contents API with the hash written and the hash read back.
 */
if (!existsSync(CLAMD)) {
  t.skip(`${CLAMD} is not installed (bash .ci/run installs clamav-daemon)`, () => {});
} else {
  const clamd = testClamd();
  const pki = await makePki();
  const gw = await startTestGateway({ pki, transfers: { clamd: { socket: clamd.socket, timeoutMs: 10_000 } } });
  t.teardown(async () => {
    await gw.close();
    await clamd.stop();
  });
  const analystCert = await pki.terminal('im-a');
  const staffCert = await pki.terminal('im-s');
  await gw.addTerminal('im-a', analystCert);
  await gw.addTerminal('im-s', staffCert, []);
  const login = async (username: string, roles: Parameters<typeof gw.addUser>[1], project: string | null, cert: typeof analystCert) => {
    const c = gw.client(cert);
    if ((await gw.login(c, username, await gw.addUser(username, roles, project))) !== 201) throw new Error(`${username} could not log in`);
    gw.clock.advance(30_000);
    return c;
  };
  const analyst = await login('imp', ['analyst'], 'alpha', analystCert);
  const reviewer = await login('irev', ['reviewer'], null, staffCert);

  const upload = (content: string, target: string, name = 'master.csv', headers: Record<string, string> = {}) => {
    const boundary = '----hic' + Math.random().toString(16).slice(2);
    const part = (field: string, value: string, filename?: string) =>
      `--${boundary}\r\ncontent-disposition: form-data; name="${field}"${filename ? `; filename="${filename}"` : ''}\r\n${filename ? 'content-type: application/octet-stream\r\n' : ''}\r\n${value}\r\n`;
    const body =
      part('purpose', 'マスタの持ち込み / master table') + part('target', target) + part('file', content, name) + `--${boundary}--\r\n`;
    return analyst.fetch('/_hic/api/imports', {
      method: 'POST',
      body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...headers },
    });
  };
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const clean = 'code,name\n01,北海道\n13,東京都\n';

  t.test('ClamAV down: the import waits (scan-pending), cannot be approved, and is scanned when clamd is back', async (t) => {
    const res = await upload(clean, 'masters/pref.csv');
    t.equal(res.status, 201);
    t.match(res.json(), { status: 'scan-pending', sha256: sha(clean), scan: { status: 'pending', error: /not reachable/ } });
    const id = res.json().id;
    const approve = await reviewer.fetch(`/_hic/api/transfers/${id}/approve`, { method: 'POST', body: { comment: 'ok' } });
    t.equal(approve.status, 409, 'never approved unscanned');
    t.equal(gw.workspace.files.has('masters/pref.csv'), false);
    await clamd.start();
    const rescan = await reviewer.fetch('/_hic/api/imports/rescan', { method: 'POST', body: {} });
    t.same(rescan.json(), { scanned: [id] });
    t.match((await analyst.fetch(`/_hic/api/imports/${id}`)).json(), { status: 'pending', scan: { status: 'clean', engine: 'clamd' } });
  });

  t.test('EICAR: infected, kept in quarantine as evidence, never placed', async (t) => {
    const res = await upload(EICAR, 'eicar.txt', 'eicar.txt');
    t.equal(res.status, 201);
    t.match(res.json(), { status: 'infected', sha256: sha(EICAR), scan: { status: 'infected', signature: /^Hic\.Test\.EICAR/ } });
    const id = res.json().id;
    t.equal(await transferContext(gw.gw.rt).quarantine.has(sha(EICAR)), true, 'kept as evidence');
    const approve = await reviewer.fetch(`/_hic/api/transfers/${id}/approve`, { method: 'POST', body: { comment: 'please' } });
    t.equal(approve.status, 409);
    t.equal(gw.workspace.files.has('eicar.txt'), false, 'never placed');
    const lines = await gw.auditLines();
    t.ok(
      lines.some(
        (l) =>
          l.event === 'transfer' &&
          l.step === 'import-scan' &&
          l.id === id &&
          l.scan === 'infected' &&
          l.sha256 === sha(EICAR) &&
          l.user === 'imp',
      ),
    );
  });

  t.test('clean: approved, written into the workspace through its contents API with both hashes recorded', async (t) => {
    const res = await upload(clean, 'masters/pref2.csv');
    t.match(res.json(), { status: 'pending', scan: { status: 'clean' } });
    const id = res.json().id;
    t.equal(gw.workspace.files.has('masters/pref2.csv'), false, 'nothing placed before the review');
    const approve = await reviewer.fetch(`/_hic/api/transfers/${id}/approve`, { method: 'POST', body: { comment: '確認しました' } });
    t.equal(approve.status, 200);
    t.match(approve.json(), { status: 'placed', placement: { writtenSha256: sha(clean), readBackSha256: sha(clean) } });
    t.equal(gw.workspace.files.get('masters/pref2.csv')!.bytes.toString('utf8'), clean, 'the exact bytes in the workspace');
    const lines = await gw.auditLines();
    t.ok(
      lines.some(
        (l) =>
          l.event === 'transfer' &&
          l.step === 'import-placement' &&
          l.readBackSha256 === sha(clean) &&
          l.name === 'master.csv' &&
          l.size === Buffer.byteLength(clean),
      ),
    );
  });

  t.test('bad imports: cross-site form, missing fields, JSON body — refused with 4xx', async (t) => {
    t.equal((await upload(clean, 'x.csv', 'x.csv', { origin: 'https://evil.example' })).status, 403);
    t.equal((await upload(clean, '', 'x.csv')).status, 400, 'target required');
    t.equal((await upload(clean, '../outside.csv', 'x.csv')).status, 400, 'target outside the workspace');
    const json = await analyst.fetch('/_hic/api/imports', { method: 'POST', body: { file: 'x' } });
    t.equal(json.status, 400);
  });
}
