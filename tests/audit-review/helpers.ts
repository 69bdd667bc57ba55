import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built CLI (`npm run build` first; `npm test` does it). */
export const HIC = fileURLToPath(new URL('../../dist/bin/hic.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  json(): any;
}

/**
 * Runs `hic ARGS` as its own process with `env` added to a clean environment (no REDIS_URL unless given), and a
 * bound on its run time so a hung child fails the test instead of the suite.
 */
export function hic(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<CliResult> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('_TAPJS') && !['NODE_OPTIONS', 'REDIS_URL', 'HIC_STORE_PREFIX', 'HIC_AUDIT_DIR'].includes(k),
    ),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HIC, ...args], {
      env: { ...base, HIC_OPERATOR: 'sec-test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}
