import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { authorityExists, describeCertificate, initAuthority, loadAuthority, type Authority } from '../../ca/index.js';
import { createAccount, type AccountDeps } from '../admin/accounts.js';
import { registerTerminal } from '../admin/terminals.js';
import { validateConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Stores } from '../stores/types.js';

/** What `npm start` prints and writes to `<state dir>/demo.json` for scripts (keys are a contract). */
export interface DemoInfo {
  url: string;
  caCertPem: string;
  analyst: DemoAccount & { project: string };
  firstLogin: { username: string; password: string };
  terminals: DemoTerminal[];
  /**
   * Ready staff accounts (password + TOTP), one per staff role, each with the same fields as `analyst` (project:
   * null), and a staff terminal (assigned to no project, on the staff network) with the fields of a `terminals` entry.
   */
  staff: { helpdesk: DemoAccount; security: DemoAccount; reviewer: DemoAccount; administrator: DemoAccount; terminal: DemoTerminal };
  auditDir: string;
  workspaceUrl: string;
  /** Which workspace the analyst's project shows: the built-in demo, or a real Jupyter (`--workspace jupyter`). */
  workspace: DemoWorkspaceKind;
  store: string;
}

export type DemoWorkspaceKind = 'demo' | 'jupyter';

export interface DemoAccount {
  username: string;
  password: string;
  totpSecret: string;
  totpUri: string;
  project: string | null;
}

export interface DemoTerminal {
  id: string;
  site: string;
  p12: string;
  p12Password: string;
  certPem: string;
  keyPem: string;
}

/** The demo's staff: demo.json key → user id and role (issue 13: every staff page can be tried at once). */
const DEMO_STAFF = [
  ['helpdesk', 'helpdesk1', 'helpdesk'],
  ['security', 'security1', 'security'],
  ['reviewer', 'reviewer1', 'reviewer'],
  ['administrator', 'admin1', 'admin'],
] as const;
const STAFF_TERMINAL = 'demo-staff-terminal';

/** The workspace profile of each demo workspace kind. */
export const DEMO_PROFILES: Record<DemoWorkspaceKind, string> = { demo: 'demo', jupyter: 'jupyter-notebook-6.4' };

/**
 * A new workspace credential for this run, in a file only the gateway's user can read: the workspace is started
 * with it and the gateway presents it; the analyst never sees it.
 */
export function newWorkspaceCredential(home: string): { file: string; token: string } {
  const dir = join(home, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'workspace.token');
  const token = randomBytes(24).toString('hex');
  writeSecret(file, token + '\n');
  return { file, token };
}

export const DEMO_PROJECT = 'demo';
const TERMINAL_IDS = ['demo-terminal-1', 'demo-terminal-2'];

function writeSecret(file: string, data: string | Buffer): void {
  writeFileSync(file, data, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * The public URL of the gateway's CRL (`<origin>/_hic/crl`, served to anyone: gateway/handlers/handler-crl.ts), or
 * undefined while the port is not known yet (port 0 before listening).
 */
export function crlUrlFor(gatewayUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(gatewayUrl);
  } catch {
    return undefined; // a bad HIC_PORT: demoConfig names it
  }
  return url.port === '0' ? undefined : new URL('/_hic/crl', url.origin).href;
}

/**
 * Creates (once) the CA and the server certificate in the state dir. `gatewayUrl`, when the port is known before
 * start, becomes the CA's CRL distribution point (like `hic ca init --crl-url`), so later `hic ca issue-terminal`
 * runs on this state dir name it too.
 */
export async function preparePki(home: string, gatewayUrl?: string): Promise<{ authority: Authority; tls: GatewayConfig['tls'] }> {
  const caDir = join(home, 'ca');
  const tlsDir = join(home, 'tls');
  mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
  const crlDistributionUrl = gatewayUrl === undefined ? undefined : crlUrlFor(gatewayUrl);
  const authority = authorityExists(caDir) ? await loadAuthority(caDir) : await initAuthority(caDir, { crlDistributionUrl });
  const certFile = join(tlsDir, 'server.cert.pem');
  const keyFile = join(tlsDir, 'server.key.pem');
  if (!existsSync(certFile) || describeCertificate(readFileSync(certFile, 'utf8')).notAfter.getTime() < Date.now() + 86_400_000) {
    const server = await authority.issueServerCertificate({ hostnames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] });
    writeFileSync(certFile, server.certPem);
    writeSecret(keyFile, server.keyPem);
  }
  return { authority, tls: { certFile, keyFile, caFile: join(caDir, 'ca-bundle.pem'), minVersion: 'TLSv1.2' } };
}

/** The demo configuration: one project whose workspace is the demo upstream, loopback as the approved network. */
export function demoConfig(
  home: string,
  tls: GatewayConfig['tls'],
  workspaceUrl: string,
  env: NodeJS.ProcessEnv,
  workspace: { kind: DemoWorkspaceKind; credentialFile: string },
): GatewayConfig {
  const redisUrl = env.REDIS_URL;
  return validateConfig({
    mode: 'demo',
    stateDir: home,
    server: {
      host: env.HIC_HOST ?? '127.0.0.1',
      port: env.HIC_PORT ? Number(env.HIC_PORT) : 8443,
      staffNetworks: ['127.0.0.0/8', '::1/128'],
    },
    tls,
    store: redisUrl ? { kind: 'redis', url: redisUrl, prefix: env.HIC_STORE_PREFIX ?? 'hic:' } : { kind: 'memory', allowMemory: true },
    session: {},
    pages: { helpdeskContact: 'デモ用ヘルプデスク 内線 1234 / helpdesk@example.jp（平日 9:00–17:00）' },
    audit: { dir: join(home, 'audit') },
    projects: [
      {
        id: DEMO_PROJECT,
        name: 'デモ研究 / Demo study',
        upstream: workspaceUrl,
        networks: ['127.0.0.0/8', '::1/128'],
        pollingPaths: [],
        profile: DEMO_PROFILES[workspace.kind],
        credentialFile: workspace.credentialFile,
      },
    ],
  });
}

/**
 * Seeds the store: two registered terminals, a ready analyst (password + TOTP) and a first-login analyst.
 * Passwords are generated anew at every start and shown only here and in demo.json (mode 0600).
 */
export async function seedDemo(
  home: string,
  authority: Authority,
  deps: AccountDeps & { stores: Stores; clock: Clock },
  url: string,
  config: GatewayConfig,
  opts: { writeInfo?: boolean } = {},
): Promise<DemoInfo> {
  const termDir = join(home, 'terminals');
  mkdirSync(termDir, { recursive: true, mode: 0o700 });
  const terminals: DemoTerminal[] = [];
  // Every terminal certificate names where its CRL is (issue 11 item 6): the gateway that is serving right now,
  // whatever port it got, even when the CA was made for another one.
  const crlUrl = crlUrlFor(url) ?? authority.crlDistributionUrl;
  const issuer =
    crlUrl === undefined || crlUrl === authority.crlDistributionUrl
      ? authority
      : await loadAuthority(authority.dir, { crlDistributionUrl: crlUrl });
  for (const id of TERMINAL_IDS) terminals.push(await demoTerminal(termDir, issuer, deps, id, 'demo-site', [DEMO_PROJECT], crlUrl));
  // A staff terminal serves no project (README: "A terminal with no project is a staff terminal").
  const staffTerminal = await demoTerminal(termDir, issuer, deps, STAFF_TERMINAL, 'demo-staff-room', [], crlUrl);
  const analyst = await createAccount(deps, {
    username: 'analyst1',
    roles: ['analyst'],
    project: DEMO_PROJECT,
    initial: false,
    enrolTotp: true,
    replace: true,
  });
  const firstLogin = await createAccount(deps, {
    username: 'analyst2',
    roles: ['analyst'],
    project: DEMO_PROJECT,
    initial: true,
    enrolTotp: false,
    replace: true,
  });
  const staffAccounts: Record<string, DemoAccount> = {};
  for (const [key, username, role] of DEMO_STAFF) {
    const made = await createAccount(deps, { username, roles: [role], project: null, initial: false, enrolTotp: true, replace: true });
    staffAccounts[key] = { username, password: made.password, totpSecret: made.totpSecret!, totpUri: made.totpUri!, project: null };
  }
  const info: DemoInfo = {
    url,
    caCertPem: resolve(config.tls.caFile),
    analyst: {
      username: 'analyst1',
      password: analyst.password,
      totpSecret: analyst.totpSecret!,
      totpUri: analyst.totpUri!,
      project: DEMO_PROJECT,
    },
    firstLogin: { username: 'analyst2', password: firstLogin.password },
    terminals,
    staff: { ...(staffAccounts as Record<(typeof DEMO_STAFF)[number][0], DemoAccount>), terminal: staffTerminal },
    auditDir: resolve(config.audit.dir),
    workspaceUrl: config.projects[0]!.upstream,
    workspace: config.projects[0]!.profile === DEMO_PROFILES.jupyter ? 'jupyter' : 'demo',
    store: config.store.kind,
  };
  if (opts.writeInfo !== false) writeDemoInfo(home, info);
  return info;
}

/** A demo terminal's certificate files (reused while valid for another day) and its register entry. */
/**
 * Issues (or reuses) one demo terminal certificate and registers it. A certificate is reused only while it is valid
 * for more than a day and names the CRL distribution point of the gateway serving now.
 */
async function demoTerminal(
  termDir: string,
  authority: Authority,
  deps: { stores: Stores; clock: Clock },
  id: string,
  site: string,
  projects: string[],
  crlUrl: string | undefined,
): Promise<DemoTerminal> {
  const files = {
    p12: join(termDir, `${id}.p12`),
    certPem: join(termDir, `${id}.cert.pem`),
    keyPem: join(termDir, `${id}.key.pem`),
    pw: join(termDir, `${id}.p12-password`),
  };
  const previous = existsSync(files.certPem) && existsSync(files.pw) ? describeCertificate(readFileSync(files.certPem, 'utf8')) : null;
  const reuse =
    previous !== null &&
    previous.notAfter.getTime() > Date.now() + 86_400_000 &&
    (crlUrl === undefined || previous.crlUrls.includes(crlUrl));
  if (!reuse) {
    const issued = await authority.issueTerminalCertificate({
      terminalId: id,
      site,
      ...(projects.length === 1 ? { project: projects[0]! } : {}),
    });
    writeFileSync(files.certPem, issued.certPem);
    writeSecret(files.keyPem, issued.keyPem);
    writeSecret(files.p12, issued.p12);
    writeSecret(files.pw, issued.p12Password);
  }
  const cert = describeCertificate(readFileSync(files.certPem, 'utf8'));
  await registerTerminal(deps.stores, deps.clock, {
    id,
    site,
    projects,
    fingerprint: cert.fingerprint,
    serial: cert.serial,
    notAfter: cert.notAfter,
    requestedBy: 'demo',
  });
  return { id, site, p12: files.p12, p12Password: readFileSync(files.pw, 'utf8'), certPem: files.certPem, keyPem: files.keyPem };
}

/** `<state dir>/demo.json`, mode 0600 (it holds the demo passwords). */
export function writeDemoInfo(home: string, info: DemoInfo): void {
  writeSecret(join(home, 'demo.json'), JSON.stringify(info, null, 2) + '\n');
}

/** The printed instructions: enough for a person with curl or a browser to log in. */
export function demoInstructions(info: DemoInfo, home: string): string {
  const t = info.terminals[0]!;
  return `
HIC gateway demo is running — ${info.url}   (store: ${info.store}, workspace: ${info.workspace})

  CA bundle (trust it):      ${info.caCertPem}
  Terminal certificate 1:    ${t.p12}   (PKCS#12 password: ${t.p12Password})
  Terminal certificate 2:    ${info.terminals[1]!.p12}   (PKCS#12 password: ${info.terminals[1]!.p12Password})
  Analyst:                   ${info.analyst.username} / ${info.analyst.password}   project: ${info.analyst.project}
  TOTP secret (base32):      ${info.analyst.totpSecret}
  TOTP URI (add to an app):  ${info.analyst.totpUri}
  First-login analyst:       ${info.firstLogin.username} / ${info.firstLogin.password}
  Staff terminal:            ${info.staff.terminal.p12}   (PKCS#12 password: ${info.staff.terminal.p12Password})
${(['helpdesk', 'security', 'reviewer', 'administrator'] as const).map((k) => `  Staff ${k.padEnd(19)} ${info.staff[k].username} / ${info.staff[k].password}   TOTP secret: ${info.staff[k].totpSecret}`).join('\n')}
  Staff pages:               ${info.url}/_hic/   (log in with the staff terminal's certificate)
  Audit log:                 ${info.auditDir}
  All of this as JSON:       ${join(resolve(home), 'demo.json')}

Browser: import the .p12 into the browser, open ${info.url}/ and log in (password, then the 6-digit code).
curl:
  CODE=$(oathtool --totp -b ${info.analyst.totpSecret})
  curl --cacert ${info.caCertPem} --cert ${t.certPem} --key ${t.keyPem} -c jar -H 'content-type: application/json' \\
       -d '{"username":"${info.analyst.username}","password":"${info.analyst.password}","totp":"'$CODE'"}' ${info.url}/_hic/api/session
  curl --cacert ${info.caCertPem} --cert ${t.certPem} --key ${t.keyPem} -b jar ${info.url}/
`;
}
