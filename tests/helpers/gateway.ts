import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_COST } from '../../gateway/accounts/password-hash.js';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { createAccount } from '../../gateway/admin/accounts.js';
import { registerTerminal } from '../../gateway/admin/terminals.js';
import { startGateway, type RunningGateway } from '../../gateway/bootstrap/start.js';
import { validateConfig } from '../../gateway/config/load.js';
import { ManualClock } from '../../gateway/core/clock.js';
import { startDemoWorkspace, type DemoWorkspace } from '../../gateway/demo/workspace.js';
import type { Role, Stores } from '../../gateway/stores/types.js';
import { TerminalClient } from './client.js';
import type { TestCert, TestPki } from './pki.js';
import { dropPrefix, REDIS_URL, testPrefix } from './redis.js';

export interface TestGatewayOptions {
  pki: TestPki;
  store?: 'memory' | 'redis';
  /** Share a Redis namespace between gateways (multi-instance tests). */
  prefix?: string;
  clock?: ManualClock;
  networks?: string[];
  trustedProxies?: string[];
  /** Workspace profile of the project 'alpha' (DATA-1 rules); 'demo' unless given. */
  profile?: string;
  stores?: Stores;
  /** The project's workspace instead of the demo workspace (e.g. a real Jupyter), with its profile and credential. */
  upstream?: { url: string; profile: string; credentialFile: string };
  /** More of the `server` config section (timeouts, body limit). */
  server?: Record<string, unknown>;
  /** server.publicOrigin (default: the listening URL and its loopback names). */
  publicOrigin?: string;
  /** The gateway's state dir: a CA in `<stateDir>/ca` lets the staff CA API issue and re-sign the CRL. */
  stateDir?: string;
  /** The `pages` config section (helpdesk contact, zone). */
  pages?: Record<string, unknown>;
  /** The `transfers` config section (issue 12: quarantine, limits, clamd). */
  transfers?: Record<string, unknown>;
}

export interface TestGateway {
  gw: RunningGateway;
  url: string;
  clock: ManualClock;
  workspace: DemoWorkspace;
  prefix: string | null;
  dir: string;
  /** Registers a terminal certificate for the project 'alpha'. */
  addTerminal(id: string, cert: TestCert, projects?: string[]): Promise<void>;
  addUser(username: string, roles?: Role[], project?: string | null): Promise<{ password: string; totpSecret: string }>;
  client(cert?: TestCert): TerminalClient;
  /** Logs in through the JSON API with a TOTP code computed from the secret at the gateway's clock. */
  login(client: TerminalClient, username: string, creds: { password: string; totpSecret: string }): Promise<number>;
  /** Every line of this gateway's audit log so far (flushed first). */
  auditLines(): Promise<Array<Record<string, any>>>;
  close(): Promise<void>;
}

/** A real gateway on a free port, a real upstream, real TLS; the clock is manual so tests never sleep. */
export async function startTestGateway(opts: TestGatewayOptions): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'hic-gw-'));
  const clock = opts.clock ?? new ManualClock(Date.now());
  const files = { certFile: join(dir, 'server.cert.pem'), keyFile: join(dir, 'server.key.pem'), caFile: join(dir, 'ca.pem') };
  writeFileSync(files.certFile, opts.pki.server.cert);
  writeFileSync(files.keyFile, opts.pki.server.key, { mode: 0o600 });
  writeFileSync(files.caFile, opts.pki.caBundle);
  // The workspace credential: only the gateway holds it, the demo workspace refuses every request without it.
  const credentialFile = join(dir, 'workspace.token');
  const workspaceToken = randomBytes(24).toString('hex');
  writeFileSync(credentialFile, workspaceToken + '\n', { mode: 0o600 });
  const workspace = await startDemoWorkspace(0, '127.0.0.1', { token: workspaceToken });
  const kind = opts.store ?? 'memory';
  const prefix = kind === 'redis' ? (opts.prefix ?? testPrefix('gw')) : null;
  const config = validateConfig({
    mode: 'test',
    ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
    server: {
      host: '127.0.0.1',
      port: 0,
      trustedProxies: opts.trustedProxies ?? [],
      staffNetworks: ['127.0.0.0/8'],
      ...(opts.publicOrigin ? { publicOrigin: opts.publicOrigin } : {}),
      ...opts.server,
    },
    tls: { ...files, minVersion: 'TLSv1.2' },
    store: kind === 'redis' ? { kind: 'redis', url: REDIS_URL, prefix } : { kind: 'memory', allowMemory: true },
    session: {},
    ...(opts.pages ? { pages: opts.pages } : {}),
    secrets: { totpKeyFile: join(opts.pki.dir, 'totp.key') },
    ...(opts.transfers ? { transfers: opts.transfers } : {}),
    audit: { dir: join(dir, 'audit'), instanceId: `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}` },
    projects: [
      {
        id: 'alpha',
        networks: opts.networks ?? ['127.0.0.0/8', '::1/128'],
        pollingPaths: opts.upstream ? [] : ['/api/status'],
        ...(opts.upstream
          ? { upstream: opts.upstream.url, profile: opts.upstream.profile, credentialFile: opts.upstream.credentialFile }
          : { upstream: workspace.url, profile: opts.profile ?? 'demo', credentialFile }),
      },
    ],
  });
  const gw = await startGateway({ config, clock, hashCost: TEST_COST, ...(opts.stores ? { stores: opts.stores } : {}) });
  const rt = gw.rt;
  const clients: TerminalClient[] = [];
  return {
    gw,
    url: gw.url,
    clock,
    workspace,
    prefix,
    dir,
    async addTerminal(id, cert, projects = ['alpha']) {
      await registerTerminal(rt.stores, clock, {
        id,
        site: 'test-site',
        projects,
        fingerprint: cert.fingerprint,
        serial: cert.serial,
        notAfter: cert.notAfter,
        requestedBy: 'test',
      });
    },
    async addUser(username, roles = ['analyst'], project = 'alpha') {
      const created = await createAccount(rt, { username, roles, project, initial: false, enrolTotp: true });
      return { password: created.password, totpSecret: created.totpSecret! };
    },
    client(cert) {
      const c = new TerminalClient(gw.url, opts.pki.caBundle, cert ? { cert: cert.cert, key: cert.key } : {});
      clients.push(c);
      return c;
    },
    async login(client, username, creds) {
      const res = await client.fetch('/_hic/api/session', {
        method: 'POST',
        body: { username, password: creds.password, totp: currentTotp(creds.totpSecret, clock.now()) },
      });
      return res.status;
    },
    async auditLines() {
      await rt.audit.flush();
      return readAuditDir(join(dir, 'audit'));
    },
    async close() {
      for (const c of clients) c.close();
      await gw.close();
      await workspace.close();
      if (prefix && !opts.prefix) await dropPrefix(prefix);
    },
  };
}

/** Reads every chain file under an audit dir (all instances) as parsed lines. */
export function readAuditDir(dir: string): Array<Record<string, any>> {
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.jsonl') && !f.endsWith('checkpoints.jsonl'));
  return files.flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, any>),
  );
}

/**
 * Two gateway instances on one Redis namespace and one clock (what a load balancer puts in front of users), with
 * the namespace dropped when both are closed. For tests that a session, lockout or news must cross instances.
 */
export async function startGatewayPair(
  pki: TestPki,
  name: string,
  clock: ManualClock,
): Promise<{ a: TestGateway; b: TestGateway; close(): Promise<void> }> {
  const prefix = testPrefix(name);
  const a = await startTestGateway({ pki, store: 'redis', prefix, clock });
  const b = await startTestGateway({ pki, store: 'redis', prefix, clock });
  return {
    a,
    b,
    close: async () => {
      await a.close();
      await b.close();
      await dropPrefix(prefix);
    },
  };
}
