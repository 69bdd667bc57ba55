/** Runs the built `hic` CLI as a separate process, as an operator would (`npm run build` first). */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Test } from 'tap';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';

const BIN = fileURLToPath(new URL('../../dist/bin/hic.js', import.meta.url));

/** What one CLI run did; times are `Date.now()` at spawn and at exit. */
export interface HicRun {
  code: number | null;
  stdout: string;
  stderr: string;
  startedAt: number;
  endedAt: number;
  json(): any;
}

/** One operator's environment: a state dir and a Redis namespace shared with the gateway under test. */
export interface CliEnv {
  home: string;
  prefix: string;
  operator: string;
}

/** A fresh state dir and Redis prefix, both removed when the test ends. */
export function cliEnv(t: Test, name: string): CliEnv {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build first`);
  const home = mkdtempSync(join(tmpdir(), `hic-${name}-`));
  const prefix = testPrefix(name);
  t.teardown(async () => {
    rmSync(home, { recursive: true, force: true });
    await dropPrefix(prefix);
  });
  return { home, prefix, operator: 'ops-tanaka' };
}

/** Runs `hic <args>` with the environment's HIC_HOME, REDIS_URL and HIC_STORE_PREFIX. */
export function hic(env: CliEnv, args: string[]): Promise<HicRun> {
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HIC_HOME: env.home,
    REDIS_URL,
    HIC_STORE_PREFIX: env.prefix,
    HIC_OPERATOR: env.operator,
  };
  // Not tap's instrumentation (NODE_OPTIONS --import): it would slow every run down and is not what operators run.
  for (const key of Object.keys(childEnv))
    if (key === 'NODE_OPTIONS' || key === 'HIC_AUDIT_DIR' || /^_?TAP/.test(key)) delete childEnv[key];
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const endedAt = Date.now();
      resolve({ code, stdout, stderr, startedAt, endedAt, json: () => JSON.parse(stdout) });
    });
  });
}

/** Polls `check` every 10 ms until it is true or `ms` have passed; resolves with whether it became true. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
}
