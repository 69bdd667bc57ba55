import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { HicError } from '../core/errors.js';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The quarantine: files held outside every workspace while they wait for review, named by their SHA-256 (so the
 * name proves the content), mode 0600 in a 0700 directory. Nothing here is ever executed or served unchecked.
 */
export class Quarantine {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }

  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new HicError('BAD_REQUEST', 'not a SHA-256 hash');
    return join(this.dir, sha256);
  }

  /** Stores bytes; returns their hash. The same content stored twice is one file. */
  async put(bytes: Buffer): Promise<{ sha256: string; size: number; path: string }> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = this.pathOf(sha256);
    const tmp = join(this.dir, `.incoming-${randomBytes(8).toString('hex')}`);
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    return { sha256, size: bytes.length, path };
  }

  /**
   * The exact bytes stored under a hash, verified: a file changed on disk after the review is never served (the
   * caller refuses and the audit log records it).
   */
  async read(sha256: string): Promise<Buffer> {
    const bytes = await readFile(this.pathOf(sha256));
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) throw new HicError('CONFLICT', 'the quarantined file does not match its recorded hash');
    return bytes;
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(
      () => true,
      () => false,
    );
  }

  async delete(sha256: string): Promise<void> {
    await rm(this.pathOf(sha256), { force: true });
  }
}
