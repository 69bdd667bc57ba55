import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compileQuery, type AuditQuery, type CompiledQuery } from './query.js';
import { emptyStats, scanDayFile, type AuditMatch, type ScanStats } from './scan.js';

const DAY_FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;
const DAY_MS = 86_400_000;

/**
 * Searches an audit dir (LOG-4) and yields matching lines in time order across instances (each instance's chain
 * is read in order; the instances are merged by `time`), stopping at `query.limit`. Reading is streaming: memory
 * holds one chunk per instance, never the log.
 *
 * Day files outside the time range are skipped unread: a file `D.jsonl` holds lines of day D or, after the
 * instance clock stepped back across midnight, slightly earlier ones — never later ones. So files before the
 * `since` day are skipped, and so are files more than one day after the `until` day (a step back of more than a
 * day is a clock fault the LOG-5 skew alert reports).
 */
export async function* searchAudit(
  dir: string,
  query: AuditQuery,
  stats: ScanStats = emptyStats(),
  opts: { chunkBytes?: number; compiled?: CompiledQuery } = {},
): AsyncGenerator<AuditMatch> {
  // A caller may pass its own compiled form of `query` (audit-review/activity.ts: the search and the chart in one pass).
  const cq = opts.compiled ?? compileQuery(query);
  const instances = query.instance !== undefined ? [query.instance] : await instanceDirs(dir);
  const streams = instances.map((instance) => instanceStream(dir, instance, cq, stats, opts.chunkBytes));
  let left = query.limit && query.limit > 0 ? query.limit : Number.POSITIVE_INFINITY;
  for await (const match of mergeByTime(streams)) {
    yield match;
    if (--left <= 0) break;
  }
}

/** Collects a search into an array (API, tests); `truncated` tells that the limit cut it short. */
export async function searchToArray(
  dir: string,
  query: AuditQuery,
): Promise<{ results: AuditMatch[]; truncated: boolean; stats: ScanStats }> {
  const stats = emptyStats();
  const limit = query.limit ?? 0;
  // One more than asked, to know whether there was more.
  const results: AuditMatch[] = [];
  for await (const m of searchAudit(dir, { ...query, limit: limit > 0 ? limit + 1 : 0 }, stats)) results.push(m);
  const truncated = limit > 0 && results.length > limit;
  if (truncated) results.pop();
  return { results, truncated, stats };
}

/** Directories of the audit dir that hold day files or checkpoints (the key dir does not). */
export async function instanceDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const names = await readdir(join(dir, e.name));
    if (names.some((n) => DAY_FILE.test(n) || n === 'checkpoints.jsonl')) out.push(e.name);
  }
  return out;
}

/** The day files of an instance, oldest first. */
export async function dayFiles(dir: string, instance: string): Promise<string[]> {
  return (await readdir(join(dir, instance)).catch(() => [] as string[])).filter((n) => DAY_FILE.test(n)).sort();
}

async function* instanceStream(
  dir: string,
  instance: string,
  cq: CompiledQuery,
  stats: ScanStats,
  chunkBytes?: number,
): AsyncGenerator<AuditMatch> {
  const sinceDay = cq.query.since === undefined ? null : new Date(cq.query.since).toISOString().slice(0, 10);
  const lastDay = cq.query.until === undefined ? null : new Date(cq.query.until + DAY_MS).toISOString().slice(0, 10);
  for (const name of await dayFiles(dir, instance)) {
    const day = name.slice(0, 10);
    if (sinceDay !== null && day < sinceDay) continue;
    if (lastDay !== null && day > lastDay) break;
    for await (const batch of scanDayFile(join(dir, instance, name), `${instance}/${name}`, cq, stats, chunkBytes)) yield* batch;
  }
}

/** K-way merge of time-ordered streams by the ISO `time` (string order is time order). */
async function* mergeByTime(streams: AsyncGenerator<AuditMatch>[]): AsyncGenerator<AuditMatch> {
  const heads = await Promise.all(streams.map((s) => s.next()));
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i] as IteratorResult<AuditMatch>;
        if (h.done) continue;
        if (best === -1 || h.value.entry.time < (heads[best] as IteratorYieldResult<AuditMatch>).value.entry.time) best = i;
      }
      if (best === -1) return;
      yield (heads[best] as IteratorYieldResult<AuditMatch>).value;
      heads[best] = await (streams[best] as AsyncGenerator<AuditMatch>).next();
    }
  } finally {
    // Stopped early (limit): close the files still open.
    await Promise.all(streams.map((s) => s.return(undefined)));
  }
}
