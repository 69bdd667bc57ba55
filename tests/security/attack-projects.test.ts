import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { TEST_COST } from '../../gateway/accounts/password-hash.js';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { createAccount } from '../../gateway/admin/accounts.js';
import { registerTerminal } from '../../gateway/admin/terminals.js';
import { startGateway } from '../../gateway/bootstrap/start.js';
import { validateConfig } from '../../gateway/config/load.js';
import { ManualClock } from '../../gateway/core/clock.js';
import { TerminalClient } from '../helpers/client.js';
import { makePki, type TestCert } from '../helpers/pki.js';

/**
 * Attack suite, projects (AC-4: one study's data must not mix with another's): an analyst of project alpha tries
 * to reach project beta's workspace with every lever a request has (headers, query, Host, path), and with beta's
 * terminal. Two real upstreams count what reaches them; only the session's own project's upstream ever does.
 */
const pki = await makePki();
const clock = new ManualClock(Date.parse('2026-11-27T03:00:00Z'));
const hits = { alpha: [] as string[], beta: [] as string[] };

async function upstream(name: 'alpha' | 'beta'): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    hits[name].push(`${req.method} ${req.url} project=${String(req.headers['x-hic-project'])} user=${String(req.headers['x-hic-user'])}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ workspace: name }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const alpha = await upstream('alpha');
const beta = await upstream('beta');
const dir = mkdtempSync(join(tmpdir(), 'hic-ac4-'));
const files = { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server.key'), caFile: join(dir, 'ca.pem') };
writeFileSync(files.certFile, pki.server.cert);
writeFileSync(files.keyFile, pki.server.key, { mode: 0o600 });
writeFileSync(files.caFile, pki.caBundle);
const config = validateConfig({
  mode: 'test',
  server: { host: '127.0.0.1', port: 0, staffNetworks: [] },
  tls: files,
  store: { kind: 'memory', allowMemory: true },
  secrets: { totpKeyFile: join(dir, 'totp.key') },
  audit: { dir: join(dir, 'audit'), instanceId: 'ac4' },
  projects: [
    { id: 'alpha', upstream: alpha.url, networks: ['127.0.0.0/8'] },
    { id: 'beta', upstream: beta.url, networks: ['127.0.0.0/8'] },
  ],
});
const gw = await startGateway({ config, clock, hashCost: TEST_COST });
const clients: TerminalClient[] = [];
t.teardown(async () => {
  for (const c of clients) c.close();
  await gw.close();
  alpha.server.close();
  beta.server.close();
});

async function terminal(id: string, project: 'alpha' | 'beta'): Promise<TestCert> {
  const cert = await pki.terminal(id, { project });
  await registerTerminal(gw.rt.stores, clock, {
    id,
    site: 's',
    projects: [project],
    fingerprint: cert.fingerprint,
    serial: cert.serial,
    notAfter: cert.notAfter,
    requestedBy: 'test',
  });
  return cert;
}
async function loggedIn(cert: TestCert, username: string, project: 'alpha' | 'beta'): Promise<TerminalClient> {
  const account = await createAccount(gw.rt, { username, roles: ['analyst'], project, initial: false, enrolTotp: true });
  clock.advance(30_000);
  const c = new TerminalClient(gw.url, pki.caBundle, { cert: cert.cert, key: cert.key });
  clients.push(c);
  const r = await c.fetch('/_hic/api/session', {
    method: 'POST',
    body: { username, password: account.password, totp: currentTotp(account.totpSecret!, clock.now()) },
  });
  if (r.status !== 201) throw new Error(`${username}: ${r.body}`);
  return c;
}

const alphaPc = await terminal('alpha-pc', 'alpha');
const betaPc = await terminal('beta-pc', 'beta');
const ann = await loggedIn(alphaPc, 'ann', 'alpha');
const bob = await loggedIn(betaPc, 'bob', 'beta');

t.test("an alpha session reaches only alpha's workspace, whatever the request says", async (t) => {
  const tries: Array<[string, Record<string, string>]> = [
    ['/', {}],
    ['/?project=beta', {}],
    ['/api/x', { 'x-hic-project': 'beta', 'x-hic-user': 'bob' }],
    ['/', { host: `127.0.0.1:${new URL(beta.url).port}` }],
    ['/', { 'x-forwarded-host': new URL(beta.url).host, forwarded: `host=${new URL(beta.url).host}` }],
    ['/beta/', {}],
  ];
  for (const [path, headers] of tries) {
    const r = await ann.fetch(path, { headers: { accept: 'application/json', ...headers } });
    t.equal(r.status, 200, path);
    t.same(r.json(), { workspace: 'alpha' }, `${path} ${JSON.stringify(headers)}: answered by alpha`);
  }
  t.equal(hits.beta.length, 0, "beta's upstream saw nothing");
  t.equal(hits.alpha.length, tries.length);
  t.ok(
    hits.alpha.every((h) => h.endsWith('project=alpha user=ann')),
    'every forwarded request names alpha and ann, not the forged headers',
  );
});

t.test("bob reaches beta; ann's cookie on beta's terminal and ann on beta's terminal are refused", async (t) => {
  const r = await bob.fetch('/', { headers: { accept: 'application/json' } });
  t.same(r.json(), { workspace: 'beta' });
  const before = hits.beta.length;
  const onBetaPc = new TerminalClient(gw.url, pki.caBundle, { cert: betaPc.cert, key: betaPc.key });
  clients.push(onBetaPc);
  const replay = await onBetaPc.fetch('/', { headers: { accept: 'application/json', cookie: ann.cookieHeader() } });
  t.equal(replay.status, 403);
  t.equal(replay.json().reason, 'session-terminal-mismatch');
  const account = await createAccount(gw.rt, { username: 'ann2', roles: ['analyst'], project: 'alpha', initial: false, enrolTotp: true });
  clock.advance(30_000);
  const login = await onBetaPc.fetch('/_hic/api/session', {
    method: 'POST',
    body: { username: 'ann2', password: account.password, totp: currentTotp(account.totpSecret!, clock.now()) },
  });
  t.equal(login.status, 401, 'an alpha analyst cannot log in on a beta terminal');
  t.equal(hits.beta.length, before, 'nothing more reached beta');
});
