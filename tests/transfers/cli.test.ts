import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { readAuditDir, startTestGateway } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';

/** `hic transfer list|show|approve|reject` from a shell, on the gateway's Redis; the operator must be a reviewer. */
// Each `hic` run is a fresh Node process (seconds on a loaded 2-core machine): more than the suite's default 120 s.
t.setTimeout(400_000);
const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'hic-transfer-cli-'));
const prefix = testPrefix('transfer-cli');

async function hic(operator: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, HIC_HOME: home, REDIS_URL, HIC_STORE_PREFIX: prefix, HIC_OPERATOR: operator };
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/bin/hic.js', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const pki = await makePki();
const gw = await startTestGateway({ pki, store: 'redis', prefix });
t.teardown(async () => {
  await gw.close();
  await dropPrefix(prefix);
});
const cert = await pki.terminal('cli-a');
await gw.addTerminal('cli-a', cert);
const analyst = gw.client(cert);
await gw.login(analyst, 'cana', await gw.addUser('cana', ['analyst'], 'alpha'));
gw.clock.advance(30_000);
const dual = gw.client(cert);
await gw.login(dual, 'cduo', await gw.addUser('cduo', ['analyst', 'reviewer'], 'alpha'));
gw.clock.advance(30_000);
await gw.addUser('crev', ['reviewer'], null);
await gw.addUser('chd', ['helpdesk'], null);
const exportA = async (client = analyst) =>
  (await client.fetch('/_hic/api/exports', { method: 'POST', body: { path: 'a.csv', purpose: 'cli test' } })).json();

t.test('list --status pending --json, show, approve --comment: the analyst can then download', async (t) => {
  const { id } = await exportA();
  const listed = await hic('crev', 'transfer', 'list', '--status', 'pending', '--json');
  t.equal(listed.code, 0, listed.stderr);
  const requests = JSON.parse(listed.stdout).requests as Array<{ id: string; status: string; findings: unknown[] }>;
  t.same(
    requests.map((r) => [r.id, r.status]),
    [[id, 'pending']],
  );
  t.same(requests[0]!.findings, [{ rule: 'patient-count-under-10', row: 3, column: '患者数', value: '3', cell: 'C3' }]);
  const shown = await hic('crev', 'transfer', 'show', id);
  t.equal(shown.code, 0);
  t.match(shown.stdout, /C3 {2}patient-count-under-10 {2}患者数="3"/);
  const noComment = await hic('crev', 'transfer', 'approve', id);
  t.equal(noComment.code, 2);
  t.match(noComment.stderr, /--comment is required/);
  const approved = await hic('crev', 'transfer', 'approve', id, '--comment', '公表基準を確認', '--json');
  t.equal(approved.code, 0, approved.stderr);
  t.match(JSON.parse(approved.stdout).request, { id, status: 'approved', decision: { by: 'crev', comment: '公表基準を確認' } });
  t.equal((await analyst.fetch(`/_hic/api/exports/${id}/file`)).status, 200);
  const cliChain = readAuditDir(join(home, 'audit'));
  t.ok(
    cliChain.some(
      (l) =>
        l.event === 'staff-action' &&
        l.action === 'export.approve' &&
        l.by === 'crev' &&
        l.user === 'cana' &&
        l.id === id &&
        /^[0-9a-f]{64}$/.test(l.sha256) &&
        l.via === 'cli',
    ),
    "the decision is in the CLI's audit chain",
  );
});

t.test('reject; a non-reviewer operator is refused; a reviewer cannot decide on their own request', async (t) => {
  const { id } = await exportA();
  const helpdesk = await hic('chd', 'transfer', 'reject', id, '--comment', 'no');
  t.equal(helpdesk.code, 1);
  t.match(helpdesk.stderr, /chd does not hold the reviewer role/);
  t.equal((await hic('chd', 'transfer', 'list', '--json')).code, 1);
  const rejected = await hic('crev', 'transfer', 'reject', id, '--comment', '患者数3');
  t.equal(rejected.code, 0);
  t.match(rejected.stdout, new RegExp(`${id} rejected by crev`));
  t.equal((await analyst.fetch(`/_hic/api/exports/${id}/file`)).status, 403);
  const mine = await exportA(dual);
  const own = await hic('cduo', 'transfer', 'approve', mine.id, '--comment', 'mine', '--json');
  t.equal(own.code, 1);
  t.match(JSON.parse(own.stdout), { ok: false, error: 'FORBIDDEN', message: /own request/ });
  t.equal((await hic('crev', 'transfer', 'list', '--status', 'nonsense')).code, 2);
});
