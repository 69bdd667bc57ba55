/** Shared helpers for the CA tests: a real `openssl` and temp files. No crypto is mocked. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

/** What one openssl run printed. */
export interface OpensslResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr together: some openssl commands print their verdict ("verify OK") on stderr. */
  output: string;
}

/** Runs the machine's openssl with arguments (never a shell). */
export function openssl(args: string[], cwd?: string): OpensslResult {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 20_000 });
  const stdout = r.stdout ?? '';
  const stderr = r.stderr ?? '';
  return { status: r.status, stdout, stderr, output: `${stdout}\n${stderr}` };
}

/** A fresh empty directory, removed when the test ends. */
export function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'hic-ca-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files into a fresh directory and returns their paths by name. */
export function writeFiles(t: Test, files: Record<string, string | Buffer>): Record<string, string> & { dir: string } {
  const dir = tempDir(t);
  const paths: Record<string, string> = {};
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, content);
    paths[name] = path;
  }
  return Object.assign(paths, { dir });
}

/** A deterministic random source: a counter, so two calls never repeat and tests can predict serials. */
export function countingRandom(seed = 0): (size: number) => Buffer {
  let n = seed;
  return (size) => {
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i++) out[i] = (n + i) % 256;
    n += 1;
    return out;
  };
}
