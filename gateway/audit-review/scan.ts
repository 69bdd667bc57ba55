import { open } from 'node:fs/promises';
import type { AuditEnvelope } from '../audit/index.js';
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
export async function* scanDayFile(path: string, file: string, cq: CompiledQuery, stats: ScanStats): AsyncGenerator<AuditMatch[]> {
  const fh = await open(path, 'r');
  try {
    stats.files += 1;
    let buf = Buffer.allocUnsafe(CHUNK);
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

/** Scans the complete lines of `buf[0, end)`; returns where the unfinished line starts and the last line number. */
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
  let lineNo = firstLine;
  let start = 0;
  for (let nl = buf.indexOf(NEWLINE, start); nl !== -1 && nl < end; nl = buf.indexOf(NEWLINE, start)) {
    lineNo += 1;
    stats.lines += 1;
    if (inTimeRange(buf, start, nl, cq) && hasNeedles(buf, start, nl, groups, next)) {
      stats.parsed += 1;
      const entry = parse(buf, start, nl);
      if (entry && cq.matches(entry)) found.push({ file, line: lineNo, entry });
    }
    start = nl + 1;
  }
  return { offset: start, lineNo };
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

function hasNeedles(buf: Buffer, start: number, end: number, groups: Buffer[][], next: number[][]): boolean {
  for (let g = 0; g < groups.length; g++) {
    const alternatives = groups[g] as Buffer[];
    const positions = next[g] as number[];
    let hit = false;
    for (let a = 0; a < alternatives.length; a++) {
      let pos = positions[a] as number;
      if (pos !== -1 && pos < start) {
        pos = buf.indexOf(alternatives[a] as Buffer, start);
        positions[a] = pos;
      }
      if (pos !== -1 && pos < end) {
        hit = true;
        break;
      }
    }
    if (!hit) return false;
  }
  return true;
}

function parse(buf: Buffer, start: number, end: number): AuditEnvelope | null {
  try {
    const value = JSON.parse(buf.toString('utf8', start, end)) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as AuditEnvelope).time === 'string' ? (value as AuditEnvelope) : null;
  } catch {
    return null;
  }
}
