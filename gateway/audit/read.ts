import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isDayFile } from './line-format.js';
import { readRawLines } from './line-reader.js';
import type { AuditEnvelope } from './types.js';

/** Which lines {@link readAuditLines} yields; every given condition must hold. */
export interface AuditLineFilter {
  /** Only this instance's chain. */
  instance?: string;
  /** Lines with `time` at or after this instant. Whole day files before it are skipped unread. */
  since?: Date | number;
  /** Lines with `time` before this instant. */
  until?: Date | number;
  kind?: 'access' | 'security';
  /** Top-level fields that must equal these values (e.g. `{ user: 'u123', project: 'p7' }`) — LOG-4 search. */
  where?: Record<string, string | number | boolean | null>;
}

/** One audit line with where it was read. */
export interface AuditLine {
  /** Relative to the audit dir. */
  file: string;
  line: number;
  entry: AuditEnvelope;
}

/**
 * Streams audit lines, parsed, instance by instance and in chain order within an instance. A simple linear scan
 * for search and export; lines that do not parse are skipped here (the verifier reports them).
 */
export async function* readAuditLines(dir: string, filter: AuditLineFilter = {}): AsyncGenerator<AuditLine> {
  const since = filter.since === undefined ? undefined : new Date(filter.since).toISOString();
  const until = filter.until === undefined ? undefined : new Date(filter.until).toISOString();
  const where = Object.entries(filter.where ?? {});
  const instances = filter.instance !== undefined ? [filter.instance] : await listDirs(dir);
  for (const instance of instances) {
    const names = (await readdir(join(dir, instance)).catch(() => [] as string[])).filter(isDayFile).sort();
    for (const name of names) {
      const day = name.slice(0, 10);
      // A day file holds lines of its date or, after a clock step back, earlier ones: never later ones.
      if (since !== undefined && day < since.slice(0, 10)) continue;
      for await (const raw of readRawLines(join(dir, instance, name))) {
        if (!raw.terminated) continue;
        let entry: AuditEnvelope;
        try {
          entry = JSON.parse(raw.bytes.toString('utf8')) as AuditEnvelope;
        } catch {
          continue;
        }
        if (typeof entry !== 'object' || entry === null || typeof entry.time !== 'string') continue;
        if (since !== undefined && entry.time < since) continue;
        if (until !== undefined && entry.time >= until) continue;
        if (filter.kind !== undefined && entry.kind !== filter.kind) continue;
        if (!where.every(([key, value]) => entry[key] === value)) continue;
        yield { file: `${instance}/${name}`, line: raw.line, entry };
      }
    }
  }
}

async function listDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}
