import { open } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { CompactSign, type CryptoKey } from 'jose';
import { CHECKPOINT_FILE } from './line-format.js';
import type { ChainTip } from './resume.js';
import type { Checkpoint, CheckpointReason } from './types.js';

/** JWS `typ` of a checkpoint, so a signature made by this key for anything else is never taken for one. */
export const CHECKPOINT_TYP = 'hic-audit-checkpoint';

/** What a checkpoint needs from the rest of the log. */
export interface CheckpointerDeps {
  instanceDir: string;
  instance: string;
  signingKey: CryptoKey | KeyObject;
  /** Number of the last checkpoint already in the file (0 if none). */
  lastN: number;
  /** Makes the chain durable up to the attested line before the checkpoint claims it. */
  syncChain: () => Promise<void>;
  onCheckpoint?: ((cp: Checkpoint) => void | Promise<void>) | undefined;
  onError: (err: unknown) => void;
}

/**
 * Signs checkpoints (compact JWS, EdDSA) and appends them to `checkpoints.jsonl`, one at a time and in order:
 * each attests the chain tip captured when it was requested, after the chain itself is fsync'ed, so a checkpoint
 * on disk never names a line that a crash could still lose.
 */
export class Checkpointer {
  private n: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: CheckpointerDeps) {
    this.n = deps.lastN;
  }

  /**
   * Queues a checkpoint of `tip` signed at `time`. Failures go to `onError` (a missing checkpoint weakens the
   * evidence but must not stop request logging); the returned promise settles when this checkpoint is done.
   */
  request(tip: ChainTip, time: string, reason: CheckpointReason): Promise<void> {
    this.queue = this.queue.then(() => this.write(tip, time, reason)).catch((err: unknown) => this.deps.onError(err));
    return this.queue;
  }

  /** Settles when every requested checkpoint is written (or failed). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async write(tip: ChainTip, time: string, reason: CheckpointReason): Promise<void> {
    await this.deps.syncChain();
    const n = this.n + 1;
    const payload = { instance: this.deps.instance, seq: tip.seq, hash: tip.hash, file: tip.file, time, n, reason };
    const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'EdDSA', typ: CHECKPOINT_TYP })
      .sign(this.deps.signingKey);
    const fh = await open(join(this.deps.instanceDir, CHECKPOINT_FILE), 'a', 0o600);
    try {
      await fh.write(`${JSON.stringify({ jws })}\n`);
      this.n = n; // the line is in the file now: never reuse its number, even if the fsync below fails
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (this.deps.onCheckpoint) {
      try {
        await this.deps.onCheckpoint({ ...payload, jws });
      } catch (err) {
        this.deps.onError(err);
      }
    }
  }
}
