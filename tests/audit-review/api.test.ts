import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAuditLines } from '../../gateway/audit/index.js';
import { startTestGateway } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';
import { hic } from './helpers.js';

/**
 * LOG-3, LOG-4, AC-5 over HTTP: the audit API answers the security role only; a refusal and every read are in
 * the log; session records (LOG-1) come out of the gateway's own events.
 */
const pki = await makePki();
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());
const rt = gw.gw.rt;
const userCert = await pki.terminal('term-1');
const staffCert = await pki.terminal('staff-1');
await gw.addTerminal('term-1', userCert);
await gw.addTerminal('staff-1', staffCert, []);
const alice = await gw.addUser('alice');
const sec = await gw.addUser('sec1', ['security'], null);

/** Security events of the gateway's log, after a flush. */
async function securityEvents(): Promise<Record<string, unknown>[]> {
  await rt.audit.flush();
  const out: Record<string, unknown>[] = [];
  for await (const { entry } of readAuditLines(rt.config.audit.dir, { kind: 'security' })) out.push(entry);
  return out;
}

/** Setup steps must succeed (no top-level assertions: tap would end the root test at the first one). */
function expect(status: number, wanted: number, what: string): void {
  if (status !== wanted) throw new Error(`${what}: ${status}, expected ${wanted}`);
}

// A finished session: login, three operations and a poll, 30 s later a logout.
const a = gw.client(userCert);
expect(await gw.login(a, 'alice', alice), 201, 'alice logs in');
for (const path of ['/', '/bytes?kb=4', '/', '/api/status'])
  expect((await a.fetch(path, { headers: { accept: 'text/plain' } })).status, 200, path);
gw.clock.advance(30_000);
expect((await a.fetch('/_hic/api/session', { method: 'DELETE' })).status, 204, 'logout');
gw.clock.advance(30_000);
expect(await gw.login(a, 'alice', alice), 201, 'alice logs in again');
gw.clock.advance(30_000);
const s = gw.client(staffCert);
expect(await gw.login(s, 'sec1', sec), 201, 'sec1 logs in');
gw.clock.advance(1_000);

t.test('an analyst is refused (403) and the refusal is audited', async (t) => {
  const res = await a.fetch('/_hic/api/audit/search', { method: 'POST', body: { user: 'alice' } });
  t.equal(res.status, 403);
  t.equal(res.json().error, 'FORBIDDEN');
  t.equal((await a.fetch('/_hic/api/audit/verify')).status, 403);
  const events = await securityEvents();
  t.match(
    events.filter((e) => e['event'] === 'staff-action-refused'),
    [
      { action: 'audit.search', by: 'alice', required: ['security'] },
      { action: 'audit.verify', by: 'alice' },
    ],
  );
  t.match(
    events.find((e) => e['event'] === 'alert' && e['type'] === 'staff-action-refused'),
    { user: 'alice', action: 'audit.search' },
    'and alerted',
  );
});

t.test('without a session: 401', async (t) => {
  const anonymous = gw.client(staffCert);
  t.equal((await anonymous.fetch('/_hic/api/audit/search', { method: 'POST', body: {} })).status, 401);
});

t.test('the security role searches; the read is recorded before the answer', async (t) => {
  const res = await s.fetch('/_hic/api/audit/search', { method: 'POST', body: { user: 'alice', event: ['login-success'] } });
  t.equal(res.status, 200, res.body);
  const body = res.json();
  t.equal(body.results.length, 2);
  t.match(body.results[0], {
    file: /\/\d{4}-\d{2}-\d{2}\.jsonl$/,
    line: Number,
    entry: { event: 'login-success', user: 'alice', project: 'alpha' },
  });
  t.equal(body.truncated, false);
  const reads = (await securityEvents()).filter((e) => e['event'] === 'staff-action' && e['action'] === 'audit.search');
  t.match(reads, [{ by: 'sec1', query: { user: 'alice', event: ['login-success'], limit: 200 } }]);
});

t.test('a terminal id finds the requests made with its certificate', async (t) => {
  const res = await s.fetch('/_hic/api/audit/search', { method: 'POST', body: { terminal: 'term-1', kind: 'access', limit: 3 } });
  t.equal(res.status, 200);
  t.equal(res.json().results.length, 3);
  t.equal(res.json().results[0].entry.terminal, userCert.fingerprint);
});

t.test('a malformed query is a 400 naming the condition', async (t) => {
  const res = await s.fetch('/_hic/api/audit/search', { method: 'POST', body: { since: 'last tuesday' } });
  t.equal(res.status, 400);
  t.match(res.json().message, /since: /);
});

t.test('session records (LOG-1): login, end and why, duration, requests, bytes, terminal, address', async (t) => {
  const res = await s.fetch('/_hic/api/audit/sessions', { method: 'POST', body: { user: 'alice' } });
  t.equal(res.status, 200);
  const sessions = res.json().sessions;
  t.equal(sessions.length, 2);
  t.match(sessions[0], {
    user: 'alice',
    project: 'alpha',
    terminalId: 'term-1',
    terminal: userCert.fingerprint,
    address: '127.0.0.1',
    endReason: 'logout',
    durationMs: 30_000,
    requests: 4,
    refused: 0,
  });
  t.ok(sessions[0].bytes > 4096, `${sessions[0].bytes} bytes`);
  t.ok(Date.parse(sessions[0].endAt) - Date.parse(sessions[0].loginAt) === 30_000);
  t.match(sessions[1], { endReason: 'open', endAt: null, requests: Number });
  await rt.audit.flush();
  const cli = await hic(['audit', 'sessions', rt.config.audit.dir, '--user', 'alice'], {
    HIC_HOME: mkdtempSync(join(tmpdir(), 'hic-cli-home-')),
  });
  t.equal(cli.code, 0, cli.stderr);
  t.match(cli.stdout, /^session\s+user\s+project\s+login\s+end\s+reason\s+duration\s+requests\s+bytes\s+terminal\s+address\n/);
  t.match(cli.stdout, /alice\s+alpha\s+\S+Z\s+\S+Z\s+logout\s+30s\s+4\s+\d+\s+term-1\s+127\.0\.0\.1/);
});

t.test('verify and retention', async (t) => {
  const verify = await s.fetch('/_hic/api/audit/verify');
  t.equal(verify.status, 200);
  t.match(verify.json(), { ok: true, findings: [] });
  const retention = await s.fetch('/_hic/api/audit/retention');
  t.equal(retention.status, 200);
  t.ok(retention.json().files.length >= 1);
  t.ok(
    retention.json().files.every((f: { archivable: boolean }) => !f.archivable),
    'nothing is archivable while the project runs',
  );
  const actions = (await securityEvents()).filter((e) => e['event'] === 'staff-action' && e['by'] === 'sec1').map((e) => e['action']);
  // Every read by sec1, in order (the malformed query was refused before any reading).
  t.same(actions, ['audit.search', 'audit.search', 'audit.sessions', 'audit.verify', 'audit.retention']);
});

t.test('the console page: security role only, strict CSP, escaped results, recorded', async (t) => {
  t.equal((await a.fetch('/_hic/security/', { headers: { accept: 'text/html' } })).status, 403, 'not for analysts');
  const empty = await s.fetch('/_hic/security/', { headers: { accept: 'text/html' } });
  t.equal(empty.status, 200);
  t.match(empty.headers['content-security-policy'], /default-src 'none'; style-src 'self'/);
  t.notMatch(
    empty.body,
    /<script(?! src="\/_hic\/static\/idle\.js" defer>)|style=/,
    'no inline script (only the idle warning file, issue 13), no inline style',
  );
  t.match(empty.body, /監査ログの確認/, 'Japanese first');
  const res = await s.fetch('/_hic/security/?user=alice&event=login-success', { headers: { accept: 'text/html' } });
  t.equal(res.status, 200);
  t.equal((res.body.match(/<tr><td class="time">/g) ?? []).length, 2, 'two logins of alice');
  t.match(res.body, /login-success/);
  const bad = await s.fetch('/_hic/security/?user=%3Cscript%3E&since=nonsense&lang=en', { headers: { accept: 'text/html' } });
  t.match(bad.body, /since: /);
  t.notMatch(bad.body, /<script>/, 'input is escaped');
  t.match(bad.body, /value="&lt;script&gt;"/);
  const css = await s.fetch('/_hic/security/console.css');
  t.match(css.headers['content-type'], /text\/css/);
  const views = (await securityEvents()).filter((e) => e['event'] === 'staff-action' && e['action'] === 'audit.console');
  t.match(views, [{ by: 'sec1', query: { user: 'alice', event: ['login-success'] } }]);
});
