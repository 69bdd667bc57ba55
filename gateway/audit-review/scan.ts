import { open } from 'node:fs/promises';
import type { AuditEnvelope } from '../audit/index.js';
import type { Needle } from './needle.js';
import type { CompiledQuery } from './query.js';

/** One line that matched, with where it is (file relative to the audit dir, 1-based line). */
export interface AuditMatch {
  file: string;
  line: number;
  entry: AuditEnvelope;
}

/** Work done by a scan, for the CLI's summary and the measured speed in the README. */
export interface ScanStats {
  files: number;
  lines: number;
  bytes: number;
  /** Lines that passed the byte prefilter and were parsed. */
  parsed: number;
}

export function emptyStats(): ScanStats {
  return { files: 0, lines: 0, bytes: 0, parsed: 0 };
}

const CHUNK = 4 * 1024 * 1024;
const NEWLINE = 0x0a;
const TIME_KEY = Buffer.from('"time":"', 'latin1');
const ISO_LENGTH = 24;

/**
 * Scans one day file for lines matching `cq`, a chunk at a time, and yields each chunk's matches together.
 * Most lines are rejected on their bytes, without parsing: first by time (the ISO `time` sits at a fixed place
 * near the start of every line and compares as bytes), then by the query's needles, whose next position in the
 * chunk is searched once and reused for the lines before it, so a rare value costs one memchr-like pass per
 * chunk. Only the remaining lines are parsed and tested exactly. A partial last line (a crash) is skipped: the
 * verifier reports it.
 */
export async function* scanDayFile(
  path: string,
  file: string,
  cq: CompiledQuery,
  stats: ScanStats,
  chunkBytes = CHUNK,
): AsyncGenerator<AuditMatch[]> {
  const fh = await open(path, 'r');
  try {
    stats.files += 1;
    let buf = Buffer.allocUnsafe(chunkBytes);
    let filled = 0;
    let lineNo = 0;
    for (;;) {
      if (filled === buf.length) {
        // A single line longer than the buffer: grow rather than split it.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const { bytesRead } = await fh.read(buf, filled, buf.length - filled, null);
      if (bytesRead === 0) break;
      stats.bytes += bytesRead;
      const end = filled + bytesRead;
      const found: AuditMatch[] = [];
      const consumed = scanLines(buf, end, cq, file, lineNo, found, stats);
      lineNo = consumed.lineNo;
      // Keep the unfinished line for the next read.
      buf.copy(buf, 0, consumed.offset, end);
      filled = end - consumed.offset;
      if (found.length > 0) yield found;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Scans the complete lines of `buf[0, end)`; returns where the unfinished line starts and the last line number.
 * With needles, the search jumps from one occurrence of the most selective needle to the next and only the
 * lines in between are counted (one native newline search each); without, every line is looked at.
 */
function scanLines(
  buf: Buffer,
  end: number,
  cq: CompiledQuery,
  file: string,
  firstLine: number,
  found: AuditMatch[],
  stats: ScanStats,
): { offset: number; lineNo: number } {
  const groups = cq.needles;
  // Next position of each needle in this buffer (-2: not searched yet; -1: none left).
  const next = groups.map((g) => g.map(() => -2));
  const lead = leadGroup(groups);
  let lineNo = firstLine;
  let cursor = 0;
  for (;;) {
    // Where the next candidate line can be: the lead needle's next occurrence, or simply the next line.
    const target = lead === -1 ? cursor : nextOf(buf, cursor, end, groups[lead] as Needle[], next[lead] as number[]);
    let nl = buf.indexOf(NEWLINE, cursor);
    // Count (and pass over) the lines before the candidate.
    while (nl !== -1 && nl < end && nl < target) {
      lineNo += 1;
      cursor = nl + 1;
      nl = buf.indexOf(NEWLINE, cursor);
    }
    if (nl === -1 || nl >= end) break; // only an unfinished line is left
    lineNo += 1;
    const start = cursor;
    cursor = nl + 1;
    if (target === -1 && lead !== -1) continue; // no candidate in this buffer: just counting the rest
    if (
      !rejectedByEnding(buf, start, nl, cq.rejectEndings) &&
      inTimeRange(buf, start, nl, cq) &&
      hasNeedles(buf, start, nl, end, groups, next, lead)
    ) {
      stats.parsed += 1;
      const entry = parse(buf, start, nl);
      if (entry && cq.matches(entry)) found.push({ file, line: lineNo, entry });
    }
  }
  stats.lines += lineNo - firstLine;
  return { offset: cursor, lineNo };
}

/** The group to search for first: a single needle, the longest (longer needles skip further and are rarer). */
function leadGroup(groups: Needle[][]): number {
  let best = -1;
  let bestScore = -1;
  groups.forEach((g, i) => {
    const score = (g.length === 1 ? 1000 : 0) + Math.min(...g.map((n) => n.bytes.length));
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

/** Earliest position at or after `from` of any needle of a group, or -1; positions are cached per needle. */
function nextOf(buf: Buffer, from: number, end: number, alternatives: Needle[], positions: number[]): number {
  let min = -1;
  for (let a = 0; a < alternatives.length; a++) {
    let pos = positions[a] as number;
    if (pos !== -1 && pos < from) {
      pos = (alternatives[a] as Needle).indexIn(buf, from, end);
      positions[a] = pos;
    }
    if (pos !== -1 && (min === -1 || pos < min)) min = pos;
  }
  return min;
}

function rejectedByEnding(buf: Buffer, start: number, end: number, endings: Buffer[]): boolean {
  for (const ending of endings) {
    if (end - start >= ending.length && ending.compare(buf, end - ending.length, end) === 0) return true;
  }
  return false;
}

function inTimeRange(buf: Buffer, start: number, end: number, cq: CompiledQuery): boolean {
  if (!cq.since && !cq.until) return true;
  const at = buf.indexOf(TIME_KEY, start);
  if (at === -1 || at + TIME_KEY.length + ISO_LENGTH > end) return false; // no time: not an audit line
  const t = at + TIME_KEY.length;
  if (cq.since && cq.since.compare(buf, t, t + ISO_LENGTH) > 0) return false;
  if (cq.until && cq.until.compare(buf, t, t + ISO_LENGTH) <= 0) return false;
  return true;
}

/** Whether the line `[start, end)` holds a needle of every group (the lead group's was found already). */
function hasNeedles(buf: Buffer, start: number, end: number, filled: number, groups: Needle[][], next: number[][], lead: number): boolean {
  for (let g = 0; g < groups.length; g++) {
    if (g === lead) continue;
    const pos = nextOf(buf, start, filled, groups[g] as Needle[], next[g] as number[]);
    if (pos === -1 || pos >= end) return false;
  }
  return true;
}

function parse(buf: Buffer, start: number, end: number): AuditEnvelope | null {
  try {
    const value = JSON.parse(buf.toString('utf8', start, end)) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as AuditEnvelope).time === 'string'
      ? (value as AuditEnvelope)
      : null;
  } catch {
    return null;
  }
}
