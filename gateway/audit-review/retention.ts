import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Project } from '../stores/types.js';
import { dayFiles, instanceDirs } from './search.js';

/** LOG-2: records are kept at least one year after the end of use. */
export const RETENTION_MS = 365 * 86_400_000;

/** The verdict on one day file. */
export interface RetentionEntry {
  /** Relative to the audit dir. */
  file: string;
  day: string;
  bytes: number;
  /** Projects named in the file's lines. */
  projects: string[];
  archivable: boolean;
  /** Why it must be kept, or from when it may be archived. */
  why: string;
  /** Earliest time (ISO) the file may be archived, when known. */
  archivableFrom: string | null;
}

const PROJECT_KEY = Buffer.from('"project":"', 'latin1');
const QUOTE = 0x22;
const CHUNK = 4 * 1024 * 1024;

/**
 * Which day files may be archived (LOG-2; the gateway itself never deletes one): a file may go when it is at
 * least a year old AND every project its lines name ended at least a year ago (status `ended`, `endedAt`). A
 * file naming an active project, or a project the store does not know, is kept. Lines without a project (failed
 * logins, staff actions) count by the file's own date. Archiving means moving the file and its instance's
 * `checkpoints.jsonl` together, so the archive still verifies.
 */
export async function retentionReport(dir: string, projects: readonly Project[], now: number): Promise<RetentionEntry[]> {
  const byId = new Map(projects.map((p) => [p.id, p]));
  const out: RetentionEntry[] = [];
  for (const instance of await instanceDirs(dir)) {
    for (const name of await dayFiles(dir, instance)) {
      const path = join(dir, instance, name);
      const day = name.slice(0, 10);
      const named = [...(await projectsIn(path))].sort();
      const { size } = await stat(path);
      out.push({ file: `${instance}/${name}`, day, bytes: size, projects: named, ...verdict(day, named, byId, now) });
    }
  }
  return out;
}

function verdict(
  day: string,
  named: string[],
  byId: Map<string, Project>,
  now: number,
): Pick<RetentionEntry, 'archivable' | 'why' | 'archivableFrom'> {
  // The file's last moment is the end of its UTC day.
  let from = Date.parse(`${day}T00:00:00Z`) + 86_400_000 + RETENTION_MS;
  for (const id of named) {
    const p = byId.get(id);
    if (!p) return { archivable: false, why: `project ${id} is not in the store: keep`, archivableFrom: null };
    if (p.status !== 'ended' || p.endedAt === undefined)
      return { archivable: false, why: `project ${id} has not ended`, archivableFrom: null };
    from = Math.max(from, p.endedAt + RETENTION_MS);
  }
  const iso = new Date(from).toISOString();
  if (from <= now)
    return {
      archivable: true,
      why: named.length > 0 ? `all projects ended over a year ago` : 'over a year old, no project',
      archivableFrom: iso,
    };
  return { archivable: false, why: `keep until ${iso}`, archivableFrom: iso };
}

/** Distinct values of `"project":"..."` in a file, read in chunks (project ids never contain a quote). */
async function projectsIn(path: string): Promise<Set<string>> {
  const found = new Set<string>();
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let carry = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, carry, buf.length - carry, null);
      const end = carry + bytesRead;
      let pos = buf.indexOf(PROJECT_KEY, 0);
      let keepFrom = Math.max(0, end - 256); // a key cut at the chunk's end is read again with the next chunk
      while (pos !== -1 && pos < end) {
        const valueAt = pos + PROJECT_KEY.length;
        const close = buf.indexOf(QUOTE, valueAt);
        if (close === -1 || close >= end) {
          keepFrom = Math.min(keepFrom, pos);
          break;
        }
        if (close - valueAt <= 128) found.add(buf.toString('utf8', valueAt, close));
        pos = buf.indexOf(PROJECT_KEY, close);
      }
      if (bytesRead === 0) break;
      buf.copy(buf, 0, keepFrom, end);
      carry = end - keepFrom;
    }
  } finally {
    await fh.close();
  }
  found.delete('');
  return found;
}
