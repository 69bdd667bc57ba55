import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import t from 'tap';
import { loadProjects, projectFromConfig } from '../../gateway/runtime.js';
import { transferContext } from '../../gateway/transfers/context.js';
import { startTestGateway } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';

/**
 * Issue 12 end to end on the demo workspace (real TLS, real Redis): the export of `a.csv` (a patient count of 3)
 * is pre-checked, reviewed, downloaded within its limits; visibility and self-review rules hold; every step audited.
 */
const pki = await makePki();
const gw = await startTestGateway({ pki, store: 'redis' });
t.teardown(() => gw.close());
const rt = gw.gw.rt;
await rt.stores.projects.create(
  projectFromConfig({ id: 'beta', upstream: gw.workspace.url, networks: ['127.0.0.0/8'], pollingPaths: [] }, gw.clock.now()),
);
await loadProjects(rt);

const analystCert = await pki.terminal('ex-a');
const betaCert = await pki.terminal('ex-b', { project: 'beta' });
const staffCert = await pki.terminal('ex-s');
await gw.addTerminal('ex-a', analystCert);
await gw.addTerminal('ex-b', betaCert, ['beta']);
await gw.addTerminal('ex-s', staffCert, []);

const credentials = new Map<string, { password: string; totpSecret: string }>();
async function as(username: string, roles: Parameters<typeof gw.addUser>[1], project: string | null, cert: typeof analystCert) {
  const creds = credentials.get(username) ?? (await gw.addUser(username, roles, project));
  credentials.set(username, creds);
  const c = gw.client(cert);
  if ((await gw.login(c, username, creds)) !== 201) throw new Error(`${username} could not log in`);
  gw.clock.advance(30_000);
  return c;
}
const analyst = await as('ana', ['analyst'], 'alpha', analystCert);
const other = await as('bea', ['analyst'], 'beta', betaCert);
const reviewer = await as('rev', ['reviewer'], null, staffCert);
const helpdesk = await as('hd', ['helpdesk'], null, staffCert);
const dual = await as('duo', ['analyst', 'reviewer'], 'alpha', analystCert);

async function exportA(client = analyst, path = 'a.csv') {
  return client.fetch('/_hic/api/exports', { method: 'POST', body: { path, purpose: '論文の表1 / table 1 of the paper' } });
}

t.test('POST /_hic/api/exports copies a.csv into the quarantine and finds the 3 at its cell', async (t) => {
  const res = await exportA();
  t.equal(res.status, 201);
  const body = res.json();
  const bytes = gw.workspace.files.get('a.csv')!.bytes;
  t.match(body, {
    status: 'pending',
    sha256: createHash('sha256').update(bytes).digest('hex'),
    name: 'a.csv',
    user: 'ana',
    project: 'alpha',
    size: bytes.length,
  });
  t.match(body.id, /^E[0-9a-f]{24}$/);
  t.same(body.findings, [{ rule: 'patient-count-under-10', row: 3, column: '患者数', value: '3', cell: 'C3' }]);
  const file = transferContext(rt).quarantine.pathOf(body.sha256);
  t.equal(statSync(file).mode & 0o777, 0o600, 'quarantine copy is mode 0600');
  t.equal(statSync(transferContext(rt).quarantine.dir).mode & 0o777, 0o700);
  const shown = await analyst.fetch(`/_hic/api/exports/${body.id}`);
  t.equal(shown.status, 200);
  t.same(shown.json().findings, body.findings);
});

t.test('a pending or rejected export is never downloadable', async (t) => {
  const { id } = (await exportA()).json();
  const pending = await analyst.fetch(`/_hic/api/exports/${id}/file`);
  t.equal(pending.status, 403);
  t.equal(pending.json().error, 'DOWNLOAD_REFUSED');
  const rejected = await reviewer.fetch(`/_hic/api/transfers/${id}/reject`, { method: 'POST', body: { comment: '患者数3のセルあり' } });
  t.equal(rejected.status, 200);
  t.equal(rejected.json().status, 'rejected');
  t.equal((await analyst.fetch(`/_hic/api/exports/${id}/file`)).status, 403);
  const again = await reviewer.fetch(`/_hic/api/transfers/${id}/approve`, { method: 'POST', body: { comment: 'changed my mind' } });
  t.equal(again.status, 409, 'a decided request cannot be decided again');
  t.equal((await analyst.fetch(`/_hic/api/exports/${id}/file`)).status, 403);
});

t.test('approved: three downloads of the exact bytes, the fourth refused', async (t) => {
  const { id, sha256 } = (await exportA()).json();
  const noComment = await reviewer.fetch(`/_hic/api/transfers/${id}/approve`, { method: 'POST', body: { comment: '' } });
  t.equal(noComment.status, 400, 'a comment is required');
  const ok = await reviewer.fetch(`/_hic/api/transfers/${id}/approve`, { method: 'POST', body: { comment: '確認済み' } });
  t.equal(ok.status, 200);
  t.match(ok.json(), {
    status: 'approved',
    maxDownloads: 3,
    downloads: 0,
    decision: { by: 'rev', comment: '確認済み', outcome: 'approved' },
  });
  const expected = gw.workspace.files.get('a.csv')!.bytes;
  for (let i = 1; i <= 3; i++) {
    const res = await analyst.fetch(`/_hic/api/exports/${id}/file`);
    t.equal(res.status, 200, `download ${i}`);
    t.equal(Buffer.from(res.body, 'utf8').equals(expected), true, `download ${i}: the exact bytes`);
    t.equal(res.headers['x-hic-sha256'], sha256);
    t.equal(res.headers['x-hic-download'], `${i}/3`);
  }
  const fourth = await analyst.fetch(`/_hic/api/exports/${id}/file`);
  t.equal(fourth.status, 403);
  t.match(fourth.json().message, /limit-reached/);
});

t.test('a reviewer cannot approve their own request; the refusal is audited', async (t) => {
  const { id } = (await exportA(dual)).json();
  const own = await dual.fetch(`/_hic/api/transfers/${id}/approve`, { method: 'POST', body: { comment: 'mine' } });
  t.equal(own.status, 403);
  t.match(own.json().message, /own request/);
  t.equal((await reviewer.fetch(`/_hic/api/exports/${id}`)).json().status, 'pending');
  const lines = await gw.auditLines();
  t.ok(lines.some((l) => l.event === 'staff-action-refused' && l.by === 'duo' && l.id === id && l.reason === 'own-request'));
});

t.test("visibility: another project's analyst and the helpdesk see nothing; an analyst cannot decide", async (t) => {
  const { id } = (await exportA()).json();
  t.equal((await other.fetch(`/_hic/api/exports/${id}`)).status, 404, 'another project: as if it did not exist');
  t.same((await other.fetch('/_hic/api/exports')).json().requests, []);
  t.equal((await other.fetch(`/_hic/api/exports/${id}/file`)).status, 404);
  t.equal((await helpdesk.fetch(`/_hic/api/exports/${id}`)).status, 403);
  t.equal((await helpdesk.fetch('/_hic/api/exports')).status, 403);
  t.equal((await analyst.fetch(`/_hic/api/transfers/${id}/approve`, { method: 'POST', body: { comment: 'self-service' } })).status, 403);
  const dualList = (await dual.fetch('/_hic/api/exports?status=pending')).json().requests as Array<{ user: string }>;
  t.ok(
    dualList.some((r) => r.user === 'ana'),
    'a reviewer sees every request',
  );
  const anaList = (await analyst.fetch('/_hic/api/exports')).json().requests as Array<{ user: string }>;
  t.ok(anaList.length > 0 && anaList.every((r) => r.user === 'ana'), 'an analyst sees only their own');
});

t.test('bad requests: path outside the workspace, missing file, wrong kind, no session — clear 4xx, never 500', async (t) => {
  t.equal((await analyst.fetch('/_hic/api/exports', { method: 'POST', body: { path: '../etc/passwd', purpose: 'x' } })).status, 400);
  t.equal((await analyst.fetch('/_hic/api/exports', { method: 'POST', body: { path: 'nope.csv', purpose: 'x' } })).status, 404);
  gw.workspace.files.set('tool.exe', { bytes: Buffer.from('MZ\x90\x00'), modified: new Date().toISOString() });
  const exe = await analyst.fetch('/_hic/api/exports', { method: 'POST', body: { path: 'tool.exe', purpose: 'x' } });
  t.equal(exe.status, 422);
  t.equal(exe.json().error, 'FILE_KIND_REFUSED');
  t.equal((await analyst.fetch('/_hic/api/exports', { method: 'POST', body: { path: 'a.csv' } })).status, 400, 'purpose required');
  t.equal((await gw.client(analystCert).fetch('/_hic/api/exports', { method: 'POST', body: { path: 'a.csv', purpose: 'x' } })).status, 401);
  t.equal((await analyst.fetch('/_hic/api/exports/not-an-id')).status, 404);
});

t.test('every step is a security event with user, project, file name, size and SHA-256', async (t) => {
  const lines = await gw.auditLines();
  const steps = lines.filter((l) => l.event === 'transfer' && l.user === 'ana');
  for (const step of ['export-request', 'export-precheck', 'export-download', 'export-download-refused', 'export-refused']) {
    const line = steps.find((l) => l.step === step);
    t.ok(line, `${step} recorded`);
    t.match(line, { project: 'alpha', name: String, size: Number, sha256: /^[0-9a-f]{64}$/ });
  }
  const decisions = lines.filter((l) => l.event === 'staff-action' && /^export\.(approve|reject)$/.test(l.action));
  t.same(
    decisions.map((l) => [l.action, l.by, l.user, l.comment]),
    [
      ['export.reject', 'rev', 'ana', '患者数3のセルあり'],
      ['export.approve', 'rev', 'ana', '確認済み'],
    ],
  );
  t.ok(decisions.every((l) => /^[0-9a-f]{64}$/.test(l.sha256)));
  t.same(steps.find((l) => l.step === 'export-precheck')!.rules, ['patient-count-under-10']);
});

t.test('an approved export expires validityDays (7) after the approval', async (t) => {
  const { id } = (await exportA()).json();
  await reviewer.fetch(`/_hic/api/transfers/${id}/approve`, { method: 'POST', body: { comment: 'ok' } });
  const decidedAt = gw.clock.now();
  gw.clock.set(decidedAt + 7 * 86_400_000 - 60_000);
  const before = await as('ana', ['analyst'], 'alpha', analystCert);
  t.equal((await before.fetch(`/_hic/api/exports/${id}/file`)).status, 200, 'a minute before the end: served');
  gw.clock.set(decidedAt + 7 * 86_400_000);
  const late = await before.fetch(`/_hic/api/exports/${id}/file`);
  t.equal(late.status, 403, 'at the end of the 7 days: refused');
  t.match(late.json().message, /expired/);
});
