import t from 'tap';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { checkNetwork } from '../../gateway/request-path/network.js';
import { checkOrigin } from '../../gateway/request-path/origin.js';
import { checkPolicy } from '../../gateway/request-path/policy.js';
import { newContext, type RequestContext } from '../../gateway/request-path/context.js';
import { DENY_REASONS } from '../../gateway/request-path/decision.js';
import { compileProject, type Runtime } from '../../gateway/runtime.js';
import { NetworkSet } from '../../gateway/net/cidr.js';
import { publicOrigins } from '../../gateway/net/public-origin.js';
import type { Project, SessionRecord, Terminal } from '../../gateway/stores/types.js';

/**
 * The pure stages, table-driven: every outcome of checkNetwork, checkOrigin and checkPolicy has a row (the request
 * path's other stages need TLS and a store and are tested over real connections). Plain data, no I/O.
 */
const NOW = Date.UTC(2026, 10, 27);
const project = (over: Partial<Project> = {}): Project => ({
  id: 'alpha',
  name: 'alpha',
  upstream: 'http://127.0.0.1:9',
  networks: ['10.1.0.0/16'],
  pollingPaths: [],
  profile: 'generic',
  startsAt: null,
  endsAt: null,
  status: 'active',
  createdAt: 0,
  ...over,
});
function runtime(projects: Project[]): Runtime {
  return {
    clock: { now: () => NOW },
    projects: new Map(projects.map((p) => [p.id, compileProject(p)])),
    trustedProxies: new NetworkSet([]),
    staffNetworks: new NetworkSet(['192.168.0.0/24']),
    origins: publicOrigins({ host: 'hic.example.jp', publicOrigin: 'https://hic.example.jp' }, 443),
  } as unknown as Runtime;
}

function ctx(o: {
  method?: string;
  url?: string;
  address?: string;
  terminalProjects?: string[];
  session?: Partial<SessionRecord>;
  headers?: Record<string, string>;
  upgrade?: boolean;
}): RequestContext {
  const socket = { remoteAddress: o.address ?? '10.1.2.3' } as unknown as TLSSocket;
  const c = newContext(socket, o.method ?? 'GET', o.url ?? '/', o.headers ?? {}, o.upgrade ?? false);
  c.address = o.address ?? '10.1.2.3';
  c.terminal = { id: 't', projects: o.terminalProjects ?? ['alpha'] } as unknown as Terminal;
  c.session = { id: 's', user: 'u', project: 'alpha', restriction: undefined, ...o.session } as unknown as SessionRecord;
  return c;
}

t.test('checkNetwork', async (t) => {
  const rt = runtime([project()]);
  const rows: Array<[string, string[], string]> = [
    ['10.1.2.3', ['alpha'], 'allowed'],
    ['10.2.0.1', ['alpha'], 'network-not-approved'],
    ['192.168.0.5', [], 'allowed'],
    ['192.168.0.5', ['alpha'], 'network-not-approved'],
    ['10.1.2.3', ['gone'], 'network-not-approved'],
  ];
  for (const [address, projects, want] of rows) {
    const c = ctx({ address, terminalProjects: projects });
    t.equal(checkNetwork(c, rt).reason, want, `${address} ${projects.join(',') || '(staff terminal)'}`);
  }
});

t.test('checkOrigin', async (t) => {
  const rt = runtime([project()]);
  const rows: Array<[string, Record<string, string>, boolean, string]> = [
    ['GET', { origin: 'https://evil.example' }, false, 'allowed'],
    ['POST', {}, false, 'allowed'],
    ['POST', { origin: 'https://hic.example.jp' }, false, 'allowed'],
    ['POST', { origin: 'https://evil.example' }, false, 'origin-mismatch'],
    ['PUT', { origin: 'null' }, false, 'origin-mismatch'],
    ['DELETE', { 'sec-fetch-site': 'cross-site' }, false, 'origin-mismatch'],
    ['PATCH', { 'sec-fetch-site': 'same-site' }, false, 'origin-mismatch'],
    ['POST', { 'sec-fetch-site': 'same-origin', origin: 'https://hic.example.jp' }, false, 'allowed'],
    ['GET', { origin: 'https://evil.example' }, true, 'origin-mismatch'],
    ['GET', { origin: 'https://hic.example.jp' }, true, 'allowed'],
  ];
  for (const [method, headers, upgrade, want] of rows)
    t.equal(checkOrigin(ctx({ method, headers, upgrade }), rt).reason, want, `${upgrade ? 'upgrade' : method} ${JSON.stringify(headers)}`);
});

t.test('checkPolicy', async (t) => {
  const dir = t.testdir({ token: 'secret-token\n' });
  chmodSync(join(dir, 'token'), 0o600);
  const jupyter = { profile: 'jupyter-notebook-6.4', credentialFile: join(dir, 'token') };
  const rt = runtime([project(jupyter), project({ id: 'ended', status: 'ended' }), project({ id: 'later', startsAt: NOW + 1000 })]);
  const rows: Array<[Parameters<typeof ctx>[0], string]> = [
    [{}, 'allowed'],
    [{ session: { restriction: 'password-change' } as Partial<SessionRecord> }, 'password-change-required'],
    [{ session: { project: '' } }, 'project-required'],
    [{ session: { project: 'nope' } }, 'project-unknown'],
    [{ session: { project: 'ended' }, terminalProjects: ['ended'] }, 'project-inactive'],
    [{ session: { project: 'later' }, terminalProjects: ['later'] }, 'project-inactive'],
    [{ terminalProjects: ['other'] }, 'terminal-not-assigned'],
    [{ address: '10.9.9.9' }, 'network-not-approved'],
    [{ url: '/files/a.csv' }, 'download-blocked'],
    [{ method: 'PUT', url: '/api/config/notebook' }, 'upload-blocked'],
    [{ method: 'POST', url: '/api/shutdown' }, 'admin-blocked'],
    [{ method: 'POST', url: '/api/terminals' }, 'terminal-blocked'],
    [{ url: '/files/a.csv', upgrade: true }, 'upgrade-not-allowed'],
    [{ url: '/api/kernels/k1/channels', upgrade: true }, 'allowed'],
  ];
  for (const [c, want] of rows) t.equal(checkPolicy(ctx(c), rt).reason, want, `${JSON.stringify(c)} → ${want}`);
});

t.test('every refusal reason of the request path is exercised by some test', async (t) => {
  const files = readdirSync('tests', { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'));
  const text = files.map((f) => readFileSync(join('tests', f), 'utf8')).join('\n');
  for (const reason of DENY_REASONS) t.ok(text.includes(`'${reason}'`), `a test names '${reason}'`);
});
