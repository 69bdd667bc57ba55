import { access } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { compactVerify } from 'jose';
import { CHECKPOINT_TYP } from './checkpointer.js';
import { CHECKPOINT_FILE, isDayFile, isHash } from './line-format.js';
import { readRawLines } from './line-reader.js';
import type { Checkpoint, Finding } from './types.js';

/** A checkpoint whose signature and payload are sound, with where it sits in `checkpoints.jsonl`. */
export interface VerifiedCheckpoint {
  cp: Omit<Checkpoint, 'jws'>;
  line: number;
  /** Known only from a copy published elsewhere (Redis), not from `checkpoints.jsonl`; `line` is then 0. */
  external?: boolean;
}

const REASONS = new Set(['interval', 'open', 'close']);

/**
 * Reads and verifies an instance's checkpoints in file order. Reports a bad signature or payload
 * ('bad-checkpoint'), a replayed or backwards one ('bad-checkpoint'), missing numbers ('deleted') and a cut last
 * line ('truncated'). Returns the sound ones, or null when the file does not exist.
 */
export async function loadCheckpoints(
  dir: string,
  instance: string,
  publicKey: KeyObject,
  report: (f: Finding) => void,
): Promise<VerifiedCheckpoint[] | null> {
  const path = join(dir, instance, CHECKPOINT_FILE);
  if (
    !(await access(path).then(
      () => true,
      () => false,
    ))
  )
    return null;
  const file = `${instance}/${CHECKPOINT_FILE}`;
  const sound: VerifiedCheckpoint[] = [];
  let lastN = 0;
  let lastSeq = 0;
  for await (const raw of readRawLines(path)) {
    const at = (kind: Finding['kind'], detail: string): void => report({ file, line: raw.line, kind, detail });
    if (!raw.terminated) {
      at('truncated', `checkpoint file ends with a partial line (${raw.bytes.length} bytes)`);
      continue;
    }
    const text = raw.bytes.toString('utf8');
    const cp = await verifyOne(text, instance, publicKey);
    if (typeof cp === 'string') {
      at('bad-checkpoint', cp);
      continue;
    }
    if (cp.n <= lastN) {
      at('bad-checkpoint', `checkpoint #${cp.n} repeats or goes back after #${lastN} (replayed?)`);
      continue;
    }
    if (cp.seq < lastSeq) {
      at('bad-checkpoint', `checkpoint #${cp.n} attests seq ${cp.seq}, behind seq ${lastSeq} of an earlier one`);
      continue;
    }
    if (cp.n > lastN + 1) {
      const range = cp.n === lastN + 2 ? `#${lastN + 1}` : `#${lastN + 1}..#${cp.n - 1}`;
      at('deleted', `checkpoint ${range} missing`);
    }
    lastN = cp.n;
    lastSeq = cp.seq;
    sound.push({ cp, line: raw.line });
  }
  return sound;
}

/**
 * The checkpoint on one line (`{"jws":"..."}`), or why it is not one. Messages stay generic: they say what
 * failed, not how.
 */
async function verifyOne(text: string, instance: string, publicKey: KeyObject): Promise<Omit<Checkpoint, 'jws'> | string> {
  let jws: unknown;
  try {
    jws = (JSON.parse(text) as { jws?: unknown }).jws;
  } catch {
    return 'line is not JSON';
  }
  if (typeof jws !== 'string') return 'line has no jws';
  let payload: Uint8Array;
  try {
    const verified = await compactVerify(jws, publicKey, { algorithms: ['EdDSA'] });
    if (verified.protectedHeader.typ !== CHECKPOINT_TYP) return 'signed object is not a checkpoint';
    payload = verified.payload;
  } catch {
    return 'signature does not verify';
  }
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  } catch {
    return 'signed payload is not JSON';
  }
  const { seq, hash, file, time, n, reason } = p;
  if (p['instance'] !== instance) return `checkpoint belongs to instance ${String(p['instance'])}`;
  if (
    !isPositiveInt(seq) ||
    !isPositiveInt(n) ||
    !isHash(hash) ||
    typeof file !== 'string' ||
    !isDayFile(file) ||
    typeof time !== 'string' ||
    typeof reason !== 'string' ||
    !REASONS.has(reason)
  ) {
    return 'signed payload is malformed';
  }
  return { instance, seq, hash, file, time, n, reason: reason as Checkpoint['reason'] };
}

/**
 * Verifies one compact JWS published outside the audit dir (signature, `typ`, instance, payload shape): the
 * checkpoint, or why it is not one.
 */
export function verifyCheckpointJws(jws: string, instance: string, publicKey: KeyObject): Promise<Omit<Checkpoint, 'jws'> | string> {
  return verifyOne(JSON.stringify({ jws }), instance, publicKey);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
}
