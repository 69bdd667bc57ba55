import { createPublicKey, type KeyObject } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HicError } from '../core/errors.js';
import { ChainChecker, type ChainEntry } from './chain-checker.js';
import { loadCheckpoints, type VerifiedCheckpoint } from './checkpoint-check.js';
import { describeCheckpoint, externalSource, mergeExternal } from './external-checkpoints.js';
import { CHECKPOINT_FILE, hashLine, isDayFile, isHash } from './line-format.js';
import { readRawLines } from './line-reader.js';
import type { Finding, VerifyResult } from './types.js';

/**
 * Verifies every chain and checkpoint under an audit dir (LOG-3): each instance directory's day files are read
 * in date order as one chain, its checkpoints are checked against the public key and against the lines they
 * attest. Every finding names a file (relative to `dir`) and a line; an untouched log yields none.
 *
 * What the files alone cannot show: lines appended after the last checkpoint of a running or crashed instance,
 * and a log cut together with the end of `checkpoints.jsonl`. Pass the checkpoints published elsewhere
 * (`opts.external`, e.g. read from Redis) and such a cut is reported too, with the first missing line; an
 * instance that published checkpoints but has no directory any more is reported as deleted.
 */
export async function verifyAuditDir(dir: string, publicKeyPem: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(publicKeyPem);
  } catch (err) {
    throw new HicError('CONFIG_INVALID', 'the audit public key is not a PEM public key', { cause: err });
  }
  const result: VerifyResult = { ok: true, files: 0, lines: 0, findings: [] };
  const entries = await readdir(dir, { withFileTypes: true });
  const external = opts.external ?? new Map<string, readonly string[]>();
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  for (const name of dirs.sort(cmp)) await verifyInstance(dir, name, publicKey, result, external.get(name) ?? []);
  for (const [instance, published] of external) {
    if (dirs.includes(instance) || published.length === 0) continue;
    result.findings.push({
      file: instance,
      line: 0,
      kind: 'deleted',
      detail: `instance directory is missing, but ${published.length} of its checkpoints were published (${externalSource(instance)})`,
    });
  }
  result.findings = dedupe(result.findings);
  result.ok = result.findings.length === 0;
  return result;
}

/** Options of {@link verifyAuditDir}. */
export interface VerifyOptions {
  /** Checkpoints published off the audit host: compact JWS by instance id, oldest first (LOG-3). */
  external?: ReadonlyMap<string, readonly string[]>;
}

async function verifyInstance(
  dir: string,
  instance: string,
  key: KeyObject,
  result: VerifyResult,
  published: readonly string[],
): Promise<void> {
  const names = (await readdir(join(dir, instance))).filter(isDayFile).sort(cmp);
  const findings = result.findings;
  const report = (f: Finding): void => void findings.push(f);
  const checkpoints = await loadCheckpoints(dir, instance, key, report);
  if (checkpoints === null) {
    // No checkpoint file: not an instance directory (e.g. the keys dir), unless it holds day files.
    if (names.length === 0 && published.length === 0) return;
    report({ file: `${instance}/${CHECKPOINT_FILE}`, line: 0, kind: 'deleted', detail: 'checkpoint file is missing' });
  }
  const cps = published.length > 0 ? await mergeExternal(instance, checkpoints ?? [], published, key, report) : (checkpoints ?? []);
  const bySeq = new Map<number, VerifiedCheckpoint[]>();
  for (const v of cps) bySeq.set(v.cp.seq, [...(bySeq.get(v.cp.seq) ?? []), v]);
  const final = cps.at(-1)?.cp.reason === 'close' ? cps.at(-1) : undefined;
  let afterClose: ChainEntry | null = null;

  const checker = new ChainChecker(report, (e) => {
    for (const v of bySeq.get(e.seq) ?? []) {
      if (v.cp.hash !== e.hash || `${instance}/${v.cp.file}` !== e.file) {
        report({
          file: e.file,
          line: e.line,
          kind: 'altered',
          detail: `${describeCheckpoint(v)} attests another line for seq ${e.seq}`,
        });
      }
    }
    if (final && !afterClose && e.seq > final.cp.seq) afterClose = e;
  });

  const completeLines = new Map<string, number>();
  for (const name of names) {
    const file = `${instance}/${name}`;
    result.files += 1;
    let complete = 0;
    for await (const raw of readRawLines(join(dir, instance, name))) {
      result.lines += 1;
      if (!raw.terminated) {
        const detail = `file ends with a partial line (${raw.bytes.length} bytes)`;
        report({ file, line: raw.line, kind: 'truncated', detail });
        continue;
      }
      complete += 1;
      const entry = toEntry(raw.bytes, file, raw.line);
      if (typeof entry === 'string') {
        report({ file, line: raw.line, kind: entry === 'not JSON' ? 'unparsable' : 'inserted', detail: entry });
      } else {
        checker.push(entry);
      }
    }
    completeLines.set(name, complete);
  }
  checker.end();

  // A checkpoint beyond the end of the chain: the tail was cut after it was attested.
  const beyond = cps.filter((v) => v.cp.seq > checker.endSeq).at(-1);
  if (beyond) {
    const count = completeLines.get(beyond.cp.file);
    report({
      file: `${instance}/${beyond.cp.file}`,
      line: count === undefined ? 0 : count + 1,
      kind: count === undefined ? 'deleted' : 'truncated',
      detail: `${describeCheckpoint(beyond)} attests seq ${beyond.cp.seq} but the chain ends at seq ${checker.endSeq}`,
    });
  }
  const lastAfterClose = afterClose as ChainEntry | null; // assigned in the callback above
  if (final && lastAfterClose) {
    report({
      file: lastAfterClose.file,
      line: lastAfterClose.line,
      kind: 'inserted',
      detail: `seq ${lastAfterClose.seq} follows close checkpoint #${final.cp.n} (seq ${final.cp.seq}), no reopening`,
    });
  }
}

/** The chain fields of a line, or why it has none. */
function toEntry(bytes: Buffer, file: string, line: number): ChainEntry | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (typeof parsed !== 'object' || parsed === null) return 'not JSON';
  const { seq, prev } = parsed as { seq?: unknown; prev?: unknown };
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1 || !isHash(prev)) {
    return 'line has no chain fields (seq, prev): not written by the audit log';
  }
  return { file, line, seq, prev, hash: hashLine(bytes) };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.kind}\u0000${f.file}\u0000${f.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
