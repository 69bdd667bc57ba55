import type { KeyObject } from 'node:crypto';
import { verifyCheckpointJws, type VerifiedCheckpoint } from './checkpoint-check.js';
import { CHECKPOINT_FILE } from './line-format.js';
import type { Finding } from './types.js';

/** Name under which findings about a published copy are reported: not a file, but the place it was read from. */
export function externalSource(instance: string): string {
  return `redis:${instance}`;
}

/**
 * Folds checkpoints published off the audit host (the gateway copies each one to Redis) into those read from
 * `checkpoints.jsonl` (LOG-3). The file alone cannot reveal a log cut together with the end of the checkpoint
 * file; a published copy that the file lacks can:
 * - a copy numbered past the file's last checkpoint: the checkpoint file lost its tail ('deleted');
 * - a copy whose number the file holds with other content: two different checkpoints under one number
 *   ('bad-checkpoint');
 * - a copy that does not verify: reported against its place in the published list ('bad-checkpoint').
 * Returns the union, ordered by checkpoint number, for the chain checks (attested hashes, the tail).
 */
export async function mergeExternal(
  instance: string,
  fromFile: readonly VerifiedCheckpoint[],
  published: readonly string[],
  publicKey: KeyObject,
  report: (f: Finding) => void,
): Promise<VerifiedCheckpoint[]> {
  const byN = new Map<number, VerifiedCheckpoint>(fromFile.map((v) => [v.cp.n, v]));
  const lastInFile = fromFile.at(-1);
  const lastN = lastInFile?.cp.n ?? 0;
  const missingTail: number[] = [];
  for (const [i, jws] of published.entries()) {
    const cp = await verifyCheckpointJws(jws, instance, publicKey);
    if (typeof cp === 'string') {
      report({ file: externalSource(instance), line: i + 1, kind: 'bad-checkpoint', detail: `published checkpoint: ${cp}` });
      continue;
    }
    const local = byN.get(cp.n);
    if (local && !local.external) {
      if (local.cp.seq !== cp.seq || local.cp.hash !== cp.hash || local.cp.file !== cp.file || local.cp.reason !== cp.reason) {
        report({
          file: `${instance}/${CHECKPOINT_FILE}`,
          line: local.line,
          kind: 'bad-checkpoint',
          detail: `checkpoint #${cp.n} differs from the copy published to Redis (seq ${cp.seq} there, ${local.cp.seq} here)`,
        });
      }
      continue;
    }
    if (local) continue; // the same number published twice: one copy is enough
    byN.set(cp.n, { cp, line: 0, external: true });
    if (cp.n > lastN) missingTail.push(cp.n);
  }
  if (missingTail.length > 0) {
    const first = Math.min(...missingTail);
    const last = Math.max(...missingTail);
    report({
      file: `${instance}/${CHECKPOINT_FILE}`,
      line: (lastInFile?.line ?? 0) + 1,
      kind: 'deleted',
      detail: `checkpoint${first === last ? ` #${first} was` : `s #${first}..#${last} were`} published to Redis but ${first === last ? 'is' : 'are'} missing from the end of the file`,
    });
  }
  return [...byN.values()].sort((a, b) => a.cp.n - b.cp.n);
}

/** Where a checkpoint was read, for finding details. */
export function describeCheckpoint(v: VerifiedCheckpoint): string {
  return v.external ? `checkpoint #${v.cp.n} (published copy)` : `checkpoint #${v.cp.n} (${CHECKPOINT_FILE} line ${v.line})`;
}
