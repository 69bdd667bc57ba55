import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_COST } from '../accounts/password-hash.js';
import { SecretBox } from '../accounts/secret-box.js';
import { loadOrCreateSigningKey } from '../audit/index.js';
import type { Authority } from '../../ca/index.js';
import { loadConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/types.js';
import { systemClock } from '../core/clock.js';
import { defaultSecretsFile, gatewayUrl as urlOf, startGateway } from '../bootstrap/start.js';
import { startDemoWorkspace } from '../demo/workspace.js';
import {
  demoConfig,
  demoInstructions,
  newWorkspaceCredential,
  preparePki,
  seedDemo,
  writeDemoInfo,
  type DemoInfo,
  type DemoWorkspaceKind,
} from '../demo/demo.js';
import { JUPYTER_BIN, startJupyter, writeSampleNotebookDir } from '../workspace/jupyter.js';
import { openStores } from '../stores/index.js';
import { isClusterWorker, resolveWorkers, runPrimary, workerConfig } from './cluster.js';
import type { Command } from './command.js';
import { stateDir, UsageError } from './command.js';
import { ignoreGroupInterrupt, stopOnSignal } from './stop-on-signal.js';

export const startCommand: Command = {
  name: 'start',
  summary: 'Runs the gateway. With --demo: a complete demo on this machine (CA, terminals, analyst, demo workspace).',
  usage: `usage: hic start --demo [--workspace demo|jupyter] [--workers N]   (state dir: HIC_HOME, default ./.hic; REDIS_URL selects Redis)
       hic start --config FILE [--workers N]        (YAML or JSON; environment overrides: REDIS_URL, HIC_PORT, HIC_HOST, ...)
  --workers N   processes serving the one port (node:cluster); default: one per core. More than 1 needs the Redis
                store; each worker writes its own audit chain, <instance id or hostname>-w<N>.
  --workspace   the analyst's project workspace in the demo: the built-in demo workspace (default), or a real
                Jupyter Notebook from Debian's packages (/usr/bin/jupyter-notebook) with a sample notebook.`,
  options: {
    demo: { type: 'boolean' },
    config: { type: 'string', short: 'c' },
    workers: { type: 'string', short: 'w' },
    workspace: { type: 'string' },
  },
  async run({ values }) {
    if (!values.demo && typeof values.config !== 'string') throw new UsageError('give --demo or --config FILE');
    if (isClusterWorker()) return runWorker();
    if (values.workspace !== undefined && !values.demo) throw new UsageError('--workspace goes with --demo');
    if (values.workspace !== undefined && values.workspace !== 'demo' && values.workspace !== 'jupyter') {
      throw new UsageError(`--workspace must be demo or jupyter, not "${String(values.workspace)}"`);
    }
    if (values.demo) return runDemo(values.workers, (values.workspace as DemoWorkspaceKind | undefined) ?? 'demo');
    const config = loadConfig(values.config as string);
    const workers = resolveWorkers(values.workers, config, note);
    if (workers > 1) {
      await createSharedKeys(config);
      const ready = (port: number) => process.stdout.write(`hic gateway listening on ${gatewayUrl(config, port)} (${workers} workers)\n`);
      return runPrimary(workers, config, { ready, stopped: async () => {} });
    }
    const gw = await startGateway({ config });
    process.stdout.write(`hic gateway listening on ${gw.url}\n`);
    stopOnSignal(() => gw.close(), { timeoutMs: shutdownMs(config) });
    return new Promise<number>(() => {});
  },
};

const note = (line: string) => process.stderr.write(line);

/** A cluster worker: the gateway as the primary configured it, under an audit instance of its own. */
async function runWorker(): Promise<number> {
  const config = workerConfig();
  const gw = await startGateway({ config });
  ignoreGroupInterrupt();
  stopOnSignal(() => gw.close(), { timeoutMs: shutdownMs(config), signals: ['SIGTERM'] });
  return new Promise<number>(() => {});
}

/** The analyst's workspace for the demo, holding the run's credential. */
async function startWorkspace(
  home: string,
  kind: DemoWorkspaceKind,
): Promise<{ url: string; credentialFile: string; close(): Promise<void> }> {
  const credential = newWorkspaceCredential(home);
  const port = Number(process.env.HIC_WORKSPACE_PORT ?? 0);
  if (kind === 'demo')
    return { ...(await startDemoWorkspace(port, '127.0.0.1', { token: credential.token })), credentialFile: credential.file };
  if (!existsSync(JUPYTER_BIN)) {
    throw new UsageError(
      `--workspace jupyter needs ${JUPYTER_BIN}: install it with  apt-get install -y jupyter-notebook python3-ipykernel`,
    );
  }
  const notebookDir = join(home, 'workspace-jupyter');
  writeSampleNotebookDir(notebookDir);
  const jupyter = await startJupyter({ token: credential.token, notebookDir, ...(port ? { port } : {}) });
  return { url: jupyter.url, credentialFile: credential.file, close: jupyter.close };
}

async function runDemo(workersFlag: unknown, kind: DemoWorkspaceKind): Promise<number> {
  const home = resolve(stateDir());
  mkdirSync(home, { recursive: true, mode: 0o700 });
  // The same host and port demoConfig will read: known before start unless HIC_PORT=0.
  const { authority, tls } = await preparePki(home, urlOf(process.env.HIC_HOST ?? '127.0.0.1', Number(process.env.HIC_PORT ?? 8443)));
  const workspace = await startWorkspace(home, kind);
  let config: GatewayConfig;
  try {
    config = demoConfig(home, tls, workspace.url, process.env, { kind, credentialFile: workspace.credentialFile });
  } catch (err) {
    await workspace.close();
    throw err;
  }
  let workers: number;
  try {
    workers = resolveWorkers(workersFlag, config, note);
  } catch (err) {
    await workspace.close(); // or the open server would keep the refused command running
    throw err;
  }
  if (workers > 1) {
    // One-time work happens here, in the primary: PKI (above), the demo upstream, seeding the shared store.
    await createSharedKeys(config);
    const info = await seedOnce(home, authority, config);
    // demo.json appears only once every worker listens: scripts wait for it and then connect at once.
    const ready = (port: number) => {
      const listening = { ...info, url: gatewayUrl(config, port) };
      writeDemoInfo(home, listening);
      process.stdout.write(demoInstructions(listening, home));
    };
    return runPrimary(workers, config, { ready, stopped: () => workspace.close() });
  }
  const gw = await startGateway({ config });
  const rt = gw.rt;
  const info = await seedDemo(home, authority, rt, gw.url, config);
  process.stdout.write(demoInstructions(info, home));
  stopOnSignal(
    async () => {
      const report = await gw.close();
      await workspace.close();
      return report;
    },
    { timeoutMs: shutdownMs(config) },
  );
  return new Promise<number>(() => {});
}

/**
 * Creates the keys every worker shares (TOTP secret box, audit signing key) before any worker starts: created by
 * several workers at once, a loser could read a key file its winner has not finished writing.
 */
async function createSharedKeys(config: GatewayConfig): Promise<void> {
  const secretsFile = defaultSecretsFile(config);
  mkdirSync(dirname(secretsFile), { recursive: true, mode: 0o700 });
  await SecretBox.loadOrCreate(secretsFile);
  await loadOrCreateSigningKey(join(config.audit.dir, 'keys'));
}

/** Seeds the demo into the (Redis) store once, before the workers start, without running a gateway here. */
async function seedOnce(home: string, authority: Authority, config: GatewayConfig): Promise<DemoInfo> {
  const stores = await openStores(config.store, systemClock);
  try {
    const deps = {
      stores,
      secretBox: await SecretBox.loadOrCreate(defaultSecretsFile(config)),
      hashCost: DEFAULT_COST,
      clock: systemClock,
    };
    return await seedDemo(home, authority, deps, gatewayUrl(config, config.server.port), config, { writeInfo: false });
  } finally {
    await stores.close();
  }
}

function gatewayUrl(config: GatewayConfig, port: number): string {
  return urlOf(config.server.host, port);
}

function shutdownMs(config: GatewayConfig): number {
  return config.server.shutdownTimeoutSeconds * 1000;
}
