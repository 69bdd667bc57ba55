import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HicError } from '../core/errors.js';
import { CHECKPOINT_FILE, hashLine, isDayFile, isHash } from './line-format.js';
import { readTail } from './tail.js';

/** Where the chain stands: the last complete line of the instance. */
export interface ChainTip {
  seq: number;
  hash: string;
  /** Day file holding that line. */
  file: string;
}

/**
 * Bytes cut off the end of a day file at resume because they did not end in a newline (a crash mid-write). They
 * are kept in the `chain-resumed` security event (base64 up to 64 KiB, always length and SHA-256) so nothing is
 * lost, and the file itself again ends after a complete line, which the verifier then accepts.
 */
export interface DiscardedBytes {
  file: string;
  offset: number;
  bytes: number;
  sha256: string;
  base64?: string;
}

const KEEP_DISCARDED = 64 * 1024;

/**
 * Finds the tip of an instance's chain, newest day file first (a file that holds no complete line is passed
 * over). A partial last line is truncated away and described in `discarded`.
 */
export async function recoverChain(instanceDir: string): Promise<{ tip: ChainTip | null; discarded: DiscardedBytes[] }> {
  const names = (await readdir(instanceDir)).filter(isDayFile).sort();
  const discarded: DiscardedBytes[] = [];
  for (let i = names.length - 1; i >= 0; i--) {
    const file = names[i] as string;
    const fh = await open(join(instanceDir, file), 'r+');
    try {
      const { size } = await fh.stat();
      if (size === 0) continue;
      const tail = await readTail(fh, size);
      if (tail.partial.length > 0) {
        discarded.push(describe(file, tail.partialOffset, tail.partial));
        await fh.truncate(tail.partialOffset);
        await fh.sync();
      }
      if (tail.line !== null) return { tip: { ...parseTip(tail.line, file), file }, discarded };
    } finally {
      await fh.close();
    }
  }
  return { tip: null, discarded };
}

function parseTip(line: Buffer, file: string): { seq: number; hash: string } {
  let seq: unknown;
  try {
    seq = (JSON.parse(line.toString('utf8')) as { seq?: unknown }).seq;
  } catch {
    seq = undefined;
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) {
    // A complete line we cannot continue from was not written by us: refuse rather than fork the chain.
    throw new HicError('STORE_UNAVAILABLE', `audit chain tail in ${file} is unreadable; run the audit verifier`);
  }
  return { seq, hash: hashLine(line) };
}

function describe(file: string, offset: number, partial: Buffer): DiscardedBytes {
  const out: DiscardedBytes = { file, offset, bytes: partial.length, sha256: hashLine(partial) };
  if (partial.length <= KEEP_DISCARDED) out.base64 = partial.toString('base64');
  return out;
}

/**
 * Last checkpoint number `n` of the instance (0 when none), so numbering continues across restarts. A partial
 * last checkpoint line is truncated: a checkpoint is a derived attestation, and the `open` checkpoint written
 * next re-attests the same tip.
 */
export async function recoverCheckpointCount(instanceDir: string): Promise<number> {
  const fh = await open(join(instanceDir, CHECKPOINT_FILE), 'a+', 0o600);
  try {
    const { size } = await fh.stat();
    if (size === 0) return 0;
    const tail = await readTail(fh, size);
    if (tail.partial.length > 0) {
      await fh.truncate(tail.partialOffset);
      await fh.sync();
    }
    if (tail.line === null) return 0;
    const n = checkpointNumber(tail.line);
    if (n === null) {
      throw new HicError('STORE_UNAVAILABLE', `last line of ${CHECKPOINT_FILE} in ${instanceDir} is unreadable`);
    }
    return n;
  } finally {
    await fh.close();
  }
}

function checkpointNumber(line: Buffer): number | null {
  try {
    const { jws } = JSON.parse(line.toString('utf8')) as { jws?: unknown };
    if (typeof jws !== 'string') return null;
    const payload = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      n?: unknown;
      hash?: unknown;
    };
    return typeof payload.n === 'number' && Number.isSafeInteger(payload.n) && isHash(payload.hash) ? payload.n : null;
  } catch {
    return null;
  }
}
