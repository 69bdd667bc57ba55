import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from '../../gateway/config/load.js';
import { compileProject } from '../../gateway/runtime.js';
import { JUPYTER_BIN, jupyterArgs, writeSampleNotebookDir } from '../../gateway/workspace/jupyter.js';
import { freePort, until } from '../lifecycle/helpers.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';

/**
 * Issue 14 item 7: docs/deploy.md followed step by step. The `runbook:` blocks are taken from the document itself
 * and run with bash in order, so the runbook and what is tested cannot drift: the real CLI (dist/bin/hic.js on the
 * pinned Node), the real Redis under a prefix of its own, a real Jupyter started from the sample unit file, the
 * gateway started from the sample unit file, and an analyst's first login and login over real TLS with oathtool.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');
const BIN = join(ROOT, 'dist/bin/hic.js');

/** The runbook's blocks in order; those that need root and systemd are replaced by what they start. */
const ORDER = [
  'install',
  'settings',
  'redis-setup',
  'redis-check',
  'ca',
  'workspace-token',
  'workspace-service',
  'workspace-check',
  'config',
  'gateway-service',
  'ready',
  'terminals',
  'accounts',
  'check-login',
  'check-audit',
];
const NOT_RUN = new Set(['install', 'redis-setup', 'workspace-service', 'gateway-service', 'settings']);

interface Block {
  name: string;
  body: string;
}

function runbookBlocks(doc: string): Block[] {
  const re = /<!-- runbook:([a-z-]+) -->\n```sh\n([\s\S]*?)\n```/g;
  return [...doc.matchAll(re)].map((m) => ({ name: m[1] as string, body: m[2] as string }));
}

/** A systemd unit's [Service] keys (the ones the test needs); values of repeated keys in order. */
function unitFile(name: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const line of readFileSync(join(ROOT, 'docs/examples', name), 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) keys.set(m[1] as string, [...(keys.get(m[1] as string) ?? []), m[2] as string]);
  }
  return keys;
}

const blocks = runbookBlocks(DOC);
const byName = new Map(blocks.map((b) => [b.name, b]));

t.test('the runbook has the steps the test follows, in this order, each once', async (t) => {
  t.same(
    blocks.map((b) => b.name),
    ORDER,
  );
  t.notMatch(DOC, /\]\((?:https?:)?\/\//, 'no link leaves the repository');
});

t.test(
  'found: the sample configs in docs/examples/ named a credential-needing profile without credentialFile, so a gateway started with them refused to start',
  async (t) => {
    const samples = readdirSync(join(ROOT, 'docs/examples')).filter((f) => f.endsWith('.yaml'));
    t.ok(samples.includes('gateway.yaml'));
    for (const sample of samples) await t.test(sample, async (t) => compilesProjects(t, join(ROOT, 'docs/examples', sample)));
  },
);

/** Every project of a sample config compiles as a gateway would compile it at start. */
function compilesProjects(t: Test, file: string): void {
  const config = validateConfig(parseYaml(readFileSync(file, 'utf8')), { checkFiles: false });
  const dir = mkdtempSync(join(tmpdir(), 'hic-example-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const p of config.projects) {
    // The file itself is made at deployment: a stand-in with the mode the gateway demands.
    const credentialFile = p.credentialFile === undefined ? undefined : join(dir, `${p.id}.token`);
    if (credentialFile) writeFileSync(credentialFile, 'x'.repeat(48) + '\n', { mode: 0o600 });
    const project = { ...p, ...(credentialFile ? { credentialFile } : {}), status: 'active', startsAt: null, endsAt: null, createdAt: 0 };
    t.doesNotThrow(() => compileProject(project as Parameters<typeof compileProject>[0]), `project ${p.id} compiles`);
  }
}

const work = mkdtempSync(join(tmpdir(), 'hic-deploy-'));
const prefix = testPrefix('deploy');
const [gwPort, jPort] = [await freePort(), await freePort()];
const settings: Record<string, string> = {
  HIC_HOME: join(work, 'var-lib-hic'),
  HIC_ETC: join(work, 'etc-hic'),
  HIC_USER: userInfo().username,
  PUBLIC_HOST: 'gateway.example.jp',
  PUBLIC_PORT: String(gwPort),
  PUBLIC_ORIGIN: `https://gateway.example.jp:${gwPort}`,
  SITE_NETWORK: '127.0.0.0/8',
  STAFF_NETWORK: '192.168.10.0/24',
  WORKSPACE_DIR: join(work, 'srv-study-001'),
  WORKSPACE_PORT: String(jPort),
  REDIS_URL,
  HIC_STORE_PREFIX: prefix,
  HIC_OPERATOR: 'ops-tanaka',
};
// install's directories, which the test makes itself.
mkdirSync(settings.HIC_HOME as string, { mode: 0o700 });
mkdirSync(settings.HIC_ETC as string, { mode: 0o750 });

/** Unit-file paths and ports mapped to this test's. */
function mapPaths(s: string): string {
  return s
    .replaceAll('/opt/hic-gateway/', ROOT)
    .replaceAll('/etc/hic', settings.HIC_ETC as string)
    .replaceAll('/var/lib/hic', settings.HIC_HOME as string)
    .replaceAll('/srv/study-001', settings.WORKSPACE_DIR as string)
    .replace('--port 8888', `--port ${jPort}`);
}

/** Without tap's instrumentation and the test runner's variables: what an operator's shell has. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env)) if (key === 'NODE_OPTIONS' || key === 'HIC_AUDIT_DIR' || /^_?TAP/.test(key)) delete env[key];
  return env;
}

const prelude = [
  'set -euo pipefail',
  ...Object.entries(settings).map(([k, v]) => `export ${k}=${JSON.stringify(v)}`),
  `hic() { ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"; }`,
].join('\n');

/** Runs one block with bash, asynchronously (the services' output pipes keep draining meanwhile). */
function runBlock(name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const block = byName.get(name);
  if (!block) throw new Error(`docs/deploy.md has no runbook:${name} block`);
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${prelude}\n${block.body}`], { cwd: work, env: cleanEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const children: ChildProcess[] = [];
t.teardown(async () => {
  for (const child of children.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await dropPrefix(prefix);
  rmSync(work, { recursive: true, force: true });
});

function startService(
  unit: string,
  extraEnv: Record<string, string>,
  extraArgs: string[] = [],
): { child: ChildProcess; args: string[]; log: () => string } {
  const keys = unitFile(unit);
  const [exe, ...args] = mapPaths((keys.get('ExecStart') ?? [''])[0] as string).split(/\s+/);
  const env: Record<string, string> = { ...extraEnv };
  for (const e of keys.get('Environment') ?? []) {
    const [k, ...v] = mapPaths(e).split('=');
    env[k as string] = v.join('=');
  }
  for (const file of keys.get('EnvironmentFile') ?? []) {
    for (const line of readFileSync(mapPaths(file), 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) env[m[1] as string] = m[2] as string;
    }
  }
  let log = '';
  const child = spawn(exe as string, [...args, ...extraArgs], {
    cwd: mapPaths((keys.get('WorkingDirectory') ?? [work])[0] as string),
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (c: Buffer) => (log += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (log += c.toString('utf8')));
  children.push(child);
  return { child, args, log: () => log };
}

t.test("the test sets exactly the variables the runbook's settings block sets, and defines hic", async (t) => {
  const body = byName.get('settings')?.body ?? '';
  const names = [...body.matchAll(/(?:^export |\s)([A-Z_]+)=/gm)].map((m) => m[1]).sort();
  t.same(names, Object.keys(settings).sort());
  t.match(body, /^hic\(\) \{/m);
});

let gateway: { child: ChildProcess; log: () => string } | null = null;

t.test('following docs/deploy.md step by step', { timeout: 600_000 }, async (t) => {
  for (const name of ORDER) {
    if (name === 'workspace-service') {
      // The Jupyter unit as systemd would run it (the notebook dir is what useradd --create-home made).
      mkdirSync(settings.WORKSPACE_DIR as string, { recursive: true });
      writeSampleNotebookDir(settings.WORKSPACE_DIR as string);
      t.ok(existsSync(JUPYTER_BIN), `${JUPYTER_BIN} is installed`);
      const unit = unitFile('jupyter-study-001.service');
      t.equal((unit.get('ExecStart') ?? [''])[0]?.split(/\s+/)[0], JUPYTER_BIN);
      const extra = process.getuid?.() === 0 ? ['--allow-root'] : []; // only when run as root, as the doc says
      const svc = startService('jupyter-study-001.service', { HOME: settings.WORKSPACE_DIR as string }, extra);
      const expected = jupyterArgs({ port: jPort, notebookDir: settings.WORKSPACE_DIR as string, allowRemoteAccess: true });
      t.same([...svc.args, ...extra], expected, "the unit's command line is jupyterArgs (docs/workspaces/jupyter.md)");
      await until(async () => (await runBlock('workspace-check')).code === 0, 120_000, `Jupyter answering:\n${svc.log()}`);
      continue;
    }
    if (name === 'gateway-service') {
      const svc = startService('hic-gateway.service', {});
      const exe = mapPaths((unitFile('hic-gateway.service').get('ExecStart') ?? [''])[0] as string).split(/\s+/)[0];
      t.ok(existsSync(exe as string), `the unit's node exists (${exe})`);
      await until(async () => svc.child.exitCode !== null || (await runBlock('ready')).code === 0, 180_000, 'gateway ready');
      t.equal(svc.child.exitCode, null, `the gateway runs:\n${svc.log()}`);
      gateway = svc;
      continue;
    }
    if (NOT_RUN.has(name)) continue;
    const r = await runBlock(name);
    t.equal(r.code, 0, `runbook:${name} exits 0\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    if (r.code !== 0) return;
    checkOutput(t, name, r.stdout);
  }
});

t.test(
  'systemctl stop: SIGTERM to the main process only (KillMode=mixed) stops the gateway within TimeoutStopSec, audit clean',
  { timeout: 120_000 },
  async (t) => {
    const unit = unitFile('hic-gateway.service');
    t.same(unit.get('KillMode'), ['mixed']);
    const stopSec = Number((unit.get('TimeoutStopSec') ?? ['0'])[0]);
    t.ok(stopSec > 20, 'longer than server.shutdownTimeoutSeconds (20 s)');
    const child = gateway?.child;
    if (!child) {
      t.fail('the gateway was not started');
      return;
    }
    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), stopSec * 1000))]);
    t.equal(code, 0, `exit 0 within ${stopSec} s (${Date.now() - started} ms)\n${gateway?.log() ?? ''}`);
    const verify = await runBlock('check-audit');
    t.equal(verify.code, 0, `hic audit verify after the stop\n${verify.stdout}\n${verify.stderr}`);
  },
);

/** What each step's output must show, beyond its exit code. */
function checkOutput(t: Test, name: string, stdout: string): void {
  if (name === 'redis-check') t.match(stdout, /PONG/);
  if (name === 'ca') {
    t.match(stdout, /DNS:gateway\.example\.jp/, 'the server certificate names the public host');
    t.match(stdout, new RegExp(`URI:https://gateway\\.example\\.jp:${gwPort}/_hic/crl`), 'and the CRL distribution point');
  }
  if (name === 'ready') t.match(stdout, /"status":"ready"/);
  if (name === 'terminals') t.match(stdout, /check-01/);
  if (name === 'check-login') {
    t.match(stdout, /"user":"check\.analyst","project":"study-001"/, 'the analyst logged in with password + TOTP');
    t.match(stdout, /"started":/, "Jupyter's /api/status answered through the gateway");
    t.match(stdout, /^200$/m, 'the notebook tree page');
  }
  if (name === 'check-audit') t.match(stdout, /check\.analyst/);
}
