import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HicError } from '../core/errors.js';

const LOCK_FILE = 'writer.lock';

/** Lock files held by this process: a second open of the same instance here is refused outright. */
const held = new Set<string>();

/**
 * Best-effort guard against two live writers on one chain (their lines would interleave and break it). The lock
 * file holds the writer's pid; it is stale when that process is gone (a crash), or when the pid is ours but not
 * held by this process (pid reuse, e.g. pid 1 in a restarted container). Returns the release function.
 */
export async function lockInstance(instanceDir: string): Promise<() => Promise<void>> {
  const path = join(instanceDir, LOCK_FILE);
  if (held.has(path)) {
    throw new HicError('CONFIG_INVALID', `audit instance ${instanceDir} is already open in this process`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      held.add(path);
      return async () => {
        held.delete(path);
        await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new HicError('CONFIG_INVALID', `audit instance ${instanceDir} is open in process ${owner}`);
    }
    await rm(path, { force: true });
  }
  throw new HicError('CONFIG_INVALID', `could not lock audit instance ${instanceDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
