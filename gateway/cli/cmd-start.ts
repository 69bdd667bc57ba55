import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import { startGateway } from '../bootstrap/start.js';
import { startDemoWorkspace } from '../demo/workspace.js';
import { demoConfig, demoInstructions, preparePki, seedDemo } from '../demo/demo.js';
import type { Command } from './command.js';
import { stateDir, UsageError } from './command.js';

export const startCommand: Command = {
  name: 'start',
  summary: 'Runs the gateway. With --demo: a complete demo on this machine (CA, terminals, analyst, demo workspace).',
  usage: `usage: hic start --demo [--home DIR]          (state dir: HIC_HOME, default ./.hic; REDIS_URL selects Redis)
       hic start --config FILE               (YAML or JSON; environment overrides: REDIS_URL, HIC_PORT, HIC_HOST, ...)`,
  options: { demo: { type: 'boolean' }, config: { type: 'string', short: 'c' } },
  async run({ values }) {
    if (!values.demo && typeof values.config !== 'string') throw new UsageError('give --demo or --config FILE');
    if (values.demo) return runDemo();
    const config = loadConfig(values.config as string);
    const gw = await startGateway({ config });
    process.stdout.write(`hic gateway listening on ${gw.url}\n`);
    stopOnSignal(gw.close);
    return new Promise<number>(() => {});
  },
};

async function runDemo(): Promise<number> {
  const home = resolve(stateDir());
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const { authority, tls } = await preparePki(home);
  const workspace = await startDemoWorkspace(Number(process.env.HIC_WORKSPACE_PORT ?? 0));
  const config = demoConfig(home, tls, workspace.url, process.env);
  const gw = await startGateway({ config });
  const rt = gw.rt;
  const info = await seedDemo(home, authority, rt, gw.url, config);
  process.stdout.write(demoInstructions(info, home));
  stopOnSignal(async () => {
    await gw.close();
    await workspace.close();
  });
  return new Promise<number>(() => {});
}

/** Graceful shutdown: stop accepting, flush the audit log, close the store. */
function stopOnSignal(close: () => Promise<void>): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`hic: ${signal}, shutting down\n`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
