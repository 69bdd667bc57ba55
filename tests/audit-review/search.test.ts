import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSigningKey, openAuditLog, readAuditLines } from '../../gateway/audit/index.js';
import { parseQuery, type AuditQuery } from '../../gateway/audit-review/query.js';
import { searchAudit, searchToArray } from '../../gateway/audit-review/search.js';
import { expandTerminals } from '../../gateway/audit-review/terminals.js';
import { ManualClock } from '../../gateway/core/clock.js';
import { createMemoryStores } from '../../gateway/stores/memory/index.js';
import { NetworkSet } from '../../gateway/net/cidr.js';
import { hic } from './helpers.js';

/**
 * LOG-4 search on generated data: two instances over three days, every field the gateway writes, values that
 * are prefixes of one another and a path that quotes a user field. Each query's result must equal a brute-force
 * filter over every line, whatever the chunk size (lines cut at chunk boundaries).
 */
const root = t.testdir();
const dir = join(root, 'audit');
const { privateKey } = await loadOrCreateSigningKey(join(root, 'keys'));
const clock = new ManualClock(Date.UTC(2025, 2, 30, 22, 0, 0));
const logs = await Promise.all(['gw-a', 'gw-b'].map((instanceId) => openAuditLog({ dir, instanceId, signingKey: privateKey, clock })));

let seed = 0x2545f491;
/** xorshift32: reproducible, and unlike a plain LCG its low bits do not cycle together. */
const rand = (n: number): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
};
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)] as T;
const USERS = ['alice', 'alice2', 'bob', 'carol', 'sec1'];
const PROJECTS = ['p1', 'p2', 'p10'];
const ADDRESSES = ['10.0.0.5', '10.0.1.7', '192.168.3.4', '::ffff:10.0.0.9', '2001:db8::5'];
const fp = (name: string): string => createHash('sha256').update(name).digest('hex');
const TERMINALS = ['t-1', 't-2', 't-3'];
for (let i = 0; i < 900; i++) {
  clock.advance(rand(10 * 60_000));
  const log = pick(logs);
  const user = pick(USERS);
  const terminalId = pick(TERMINALS);
  const base = { user, project: pick(PROJECTS), terminal: fp(terminalId), address: pick(ADDRESSES), session: fp(`s-${user}-${rand(5)}`) };
  const roll = rand(10);
  if (roll < 6) {
    const reason = pick(['allowed', 'allowed', 'allowed', 'network-not-approved', 'session-idle-expired', 'gateway-page']);
    log.access({
      ...base,
      method: pick(['GET', 'POST']),
      path: rand(20) === 0 ? '/lab/"user":"bob"' : `/lab/${i}`,
      status: reason === 'allowed' ? 200 : 403,
      bytes: rand(9000),
      durationMs: 1.5,
      reason,
    });
  } else if (roll === 6) await log.security({ event: 'login-success', via: 'api', ...base, terminalId });
  else if (roll === 7)
    await log.security({
      event: 'login-failed',
      stage: 'password',
      reason: 'wrong-password',
      user,
      terminalId,
      terminal: base.terminal,
      address: base.address,
    });
  else if (roll === 8) await log.security({ event: 'staff-action', action: 'user.unlock', by: pick(USERS), user, address: base.address });
  else
    await log.security({ event: 'alert', type: pick(['failed-login-burst', 'new-network']), severity: 'warning', summary: 'x', ...base });
}
await Promise.all(logs.map((l) => l.close()));

/** Every line, read plainly. */
const all: { file: string; line: number; entry: Record<string, unknown> }[] = [];
for await (const l of readAuditLines(dir)) all.push(l);

/** The query's meaning, written out independently of the engine. */
function reference(q: AuditQuery): string[] {
  const net = q.address ? new NetworkSet([q.address]) : null;
  const allow = new Set(['allowed', 'gateway-page', 'health-check']);
  return all
    .filter(({ entry: e }) => {
      const time = Date.parse(e['time'] as string);
      const decision =
        e['kind'] === 'access'
          ? allow.has(e['reason'] as string)
            ? 'allow'
            : 'deny'
          : e['event'] === 'login-success' || e['event'] === 'staff-action'
            ? 'allow'
            : e['event'] === 'login-failed'
              ? 'deny'
              : null;
      return (
        (q.user === undefined || e['user'] === q.user || e['by'] === q.user) &&
        (q.project === undefined || e['project'] === q.project) &&
        (q.terminal === undefined || q.terminal.includes(e['terminal'] as string) || q.terminal.includes(e['terminalId'] as string)) &&
        (net === null || (typeof e['address'] === 'string' && net.has(e['address']))) &&
        (q.since === undefined || time >= q.since) &&
        (q.until === undefined || time < q.until) &&
        (q.event === undefined || q.event.includes(e['kind'] === 'access' ? 'access' : (e['event'] as string))) &&
        (q.kind === undefined || e['kind'] === q.kind) &&
        (q.decision === undefined || decision === q.decision) &&
        (q.reason === undefined || e['reason'] === q.reason) &&
        Object.entries(q.fields ?? {}).every(([k, v]) => e[k] === v)
      );
    })
    .map((m) => `${m.file}:${m.line}`)
    .sort();
}

const queries: Record<string, unknown>[] = [
  { user: 'alice' },
  { user: 'bob' },
  { project: 'p1' },
  { user: 'carol', project: 'p10' },
  { terminal: [fp('t-2')] },
  { terminal: ['t-1', 't-3'], kind: 'security' },
  { address: '10.0.0.0/16' },
  { address: '10.0.0.9' },
  { address: '2001:db8::/32', decision: 'deny' },
  { since: '2025-03-31T00:00:00Z', until: '2025-04-01T00:00:00Z' },
  { since: '2025-03-31T06:30:00Z', user: 'sec1', event: ['staff-action', 'login-failed'] },
  { event: ['access'], decision: 'deny' },
  { decision: 'allow', project: 'p2', until: '2025-03-31T12:00:00Z' },
  { event: ['alert'], field: ['type=new-network'] },
  { reason: 'network-not-approved', user: 'alice2' },
];

t.test('every query equals the brute-force filter, at any chunk size', async (t) => {
  t.ok(all.length > 800, `${all.length} lines over ${new Set(all.map((l) => l.file)).size} day files`);
  for (const input of queries) {
    const q = parseQuery(input, clock.now());
    const expected = reference(q);
    for (const chunkBytes of [4 * 1024 * 1024, 700]) {
      const got: string[] = [];
      let lastTime = '';
      let ordered = true;
      for await (const m of searchAudit(dir, q, undefined, { chunkBytes })) {
        got.push(`${m.file}:${m.line}`);
        if (m.entry.time < lastTime) ordered = false;
        lastTime = m.entry.time;
      }
      t.same(got.sort(), expected, `${JSON.stringify(input)} (chunk ${chunkBytes}): ${expected.length} matches`);
      if (chunkBytes === 700) t.ok(expected.length > 0 || input['address'] === '2001:db8::/32', 'the data exercises the query');
      t.ok(ordered, 'results come in time order across instances');
    }
  }
});

t.test('limit: the first N by time, and whether there was more', async (t) => {
  const q = parseQuery({ project: 'p1' }, clock.now());
  const full = reference(q);
  const { results, truncated } = await searchToArray(dir, { ...q, limit: 5 });
  t.equal(results.length, 5);
  t.equal(truncated, true);
  const { truncated: none } = await searchToArray(dir, { ...q, limit: full.length });
  t.equal(none, false);
});

t.test('bad conditions are refused, each named', async (t) => {
  t.throws(() => parseQuery({ since: 'yesterday', address: '10.0.0.0/99', decision: 'maybe', color: 'red' }, 0), {
    code: 'BAD_REQUEST',
    message: /color: unknown condition.*address: .*since: .*decision: allow or deny/,
  });
});

t.test('terminal ids widen to every certificate the terminal held', async (t) => {
  const stores = createMemoryStores(clock);
  await stores.terminals.put({
    id: 't-9',
    site: 's',
    projects: ['p1'],
    fingerprint: 'b'.repeat(64),
    serial: '1',
    notAfter: 0,
    status: 'active',
    requestedBy: 'x',
    registeredAt: 0,
    certificates: [
      {
        serial: '0',
        fingerprint: 'a'.repeat(64),
        notBefore: 0,
        notAfter: 0,
        issuedAt: 0,
        issuedBy: 'x',
        method: 'pkcs12',
        status: 'superseded',
      },
    ],
  });
  t.same((await expandTerminals(stores.terminals, ['t-9', 'unknown'])).sort(), ['a'.repeat(64), 'b'.repeat(64), 't-9', 'unknown'].sort());
});

t.test('the CLI: JSON results, a table, and RFC 5424 export', async (t) => {
  // Separate state dirs: each run opens the CLI's own audit chain, which one process at a time may write.
  const home = (): string => mkdtempSync(join(tmpdir(), 'hic-cli-home-'));
  const q = parseQuery({ user: 'bob', event: ['login-failed'] }, clock.now());
  const [json, table, exported] = await Promise.all([
    hic(['audit', 'search', dir, '--user', 'bob', '--event', 'login-failed', '--limit', '0', '--json'], { HIC_HOME: home() }),
    hic(['audit', 'search', dir, '--user', 'bob', '--event', 'login-failed'], { HIC_HOME: home() }),
    hic(['audit', 'export', dir, '--user', 'bob', '--event', 'login-failed', '--format', 'rfc5424'], { HIC_HOME: home() }),
  ]);
  t.equal(json.code, 0, json.stderr);
  t.equal(table.code, 0, table.stderr);
  t.equal(exported.code, 0, exported.stderr);
  t.ok(reference(q).length > 3, `${reference(q).length} failed logins of bob`);
  t.same(
    json
      .json()
      .results.map((r: { file: string; line: number }) => `${r.file}:${r.line}`)
      .sort(),
    reference(q),
  );
  t.match(table.stdout, /^time\s+event\s+user\s+project/);
  t.match(table.stdout, /login-failed\s+bob\s/);
  const syslog = exported.stdout.trim().split('\n');
  t.equal(syslog.length, reference(q).length);
  t.match(
    syslog[0],
    /^<109>1 2025-\S+Z \S+ hic-gateway gw-[ab] login-failed \[hic@32473 instance="gw-[ab]" seq="\d+" kind="security" user="bob" .*\] \uFEFF\{/,
  );
});
