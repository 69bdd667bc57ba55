import { GENESIS } from './line-format.js';
import type { Finding } from './types.js';

/** A well-formed chain line as found on disk. */
export interface ChainEntry {
  /** Relative to the audit dir. */
  file: string;
  line: number;
  seq: number;
  prev: string;
  /** Hash of the line's actual bytes. */
  hash: string;
}

interface Gap {
  from: number;
  to: number;
  found: Set<number>;
  finding: Finding;
}

/** How far back a duplicate, a late line or a displaced line is still recognised (bounds memory). */
const WINDOW = 256;

/**
 * Follows one instance's chain line by line (streaming, bounded memory) and names what breaks it.
 *
 * Each line is judged with one line of lookahead against `last`, the last line accepted into the chain:
 * - fits (seq = last+1, prev = hash(last)): accepted;
 * - seq fits, prev does not: a line was edited. It is `last` (its bytes no longer hash to what the next line
 *   chained) unless the next line's prev does not match this one either: then this one was edited;
 * - seq jumps ahead while the next line fits `last`: this line is out of place. It is held back; if the chain
 *   later reaches it and it fits, it was 'reordered', otherwise it was 'inserted';
 * - seq jumps ahead otherwise: lines are missing ('deleted', or 'gap' at the start of a file);
 * - seq already used: 'inserted' (when the next line chains to this one rather than to the line already accepted
 *   with that seq, the accepted one is the intruder), or 'reordered' when it fills an earlier gap.
 * An adjacent swap thus reads as 'reordered', an edit as 'altered' on the edited line, a cut as 'deleted'.
 */
export class ChainChecker {
  private last: { seq: number; hash: string; entry: ChainEntry | null } = { seq: 0, hash: GENESIS, entry: null };
  private pending: ChainEntry | null = null;
  private readonly displaced = new Map<number, ChainEntry>();
  private readonly recent = new Map<number, ChainEntry>();
  private readonly gaps: Gap[] = [];

  /**
   * @param report receives each finding (a gap finding may later be changed to 'reordered' in place).
   * @param onAccept sees each line accepted into the chain, in seq order: for checkpoint matching.
   */
  constructor(
    private readonly report: (f: Finding) => void,
    private readonly onAccept: (e: ChainEntry) => void,
  ) {}

  /** Highest seq accepted into the chain. */
  get endSeq(): number {
    return this.last.seq;
  }

  push(entry: ChainEntry): void {
    if (this.pending) this.decide(this.pending, entry);
    this.pending = entry;
  }

  /** Judges the last line and reports held-back lines that never found their place. */
  end(): void {
    if (this.pending) this.decide(this.pending, null);
    this.pending = null;
    for (const d of this.displaced.values()) this.inserted(d, `seq ${d.seq} never fits the chain`);
    this.displaced.clear();
  }

  private decide(l: ChainEntry, next: ChainEntry | null): void {
    if (this.fits(l) || (this.fillDisplaced() && this.fits(l))) return this.accept(l);
    const expected = this.last.seq + 1;
    if (l.seq === expected) return this.brokenLink(l, next);
    if (l.seq > expected) {
      if (next && next.seq === expected && next.prev === this.last.hash) return this.holdBack(l);
      return this.missing(l, expected);
    }
    this.behind(l, next);
  }

  private brokenLink(l: ChainEntry, next: ChainEntry | null): void {
    const thisEdited = next !== null && next.seq === l.seq + 1 && next.prev !== l.hash;
    const culprit = thisEdited || this.last.entry === null ? l : this.last.entry;
    this.report({
      ...where(culprit),
      kind: 'altered',
      detail:
        culprit === l
          ? `seq ${l.seq} was changed: its prev does not match the line before it, nor its hash the next line's prev`
          : `seq ${culprit.seq} was changed: its bytes no longer hash to the prev recorded by seq ${l.seq}`,
    });
    this.accept(l);
  }

  private holdBack(l: ChainEntry): void {
    const earlier = this.displaced.get(l.seq);
    if (earlier) this.inserted(earlier, `seq ${earlier.seq} appears twice out of place`);
    this.displaced.set(l.seq, l);
    if (this.displaced.size > WINDOW) {
      const [seq, oldest] = this.displaced.entries().next().value as [number, ChainEntry];
      this.displaced.delete(seq);
      this.inserted(oldest, `seq ${seq} never fits the chain`);
    }
  }

  private missing(l: ChainEntry, expected: number): void {
    const crossesFile = l.line === 1 && this.last.entry !== null && this.last.entry.file !== l.file;
    const range = l.seq - 1 === expected ? `seq ${expected} is` : `seqs ${expected}..${l.seq - 1} are`;
    const finding: Finding = {
      ...where(l),
      kind: crossesFile ? 'gap' : 'deleted',
      detail: crossesFile
        ? `${range} missing between ${this.last.entry?.file ?? ''} and ${l.file} (a day file may be gone)`
        : `${range} missing before this line`,
    };
    this.report(finding);
    this.gaps.push({ from: expected, to: l.seq - 1, found: new Set(), finding });
    if (this.gaps.length > WINDOW) this.gaps.shift();
    this.accept(l);
  }

  private behind(l: ChainEntry, next: ChainEntry | null): void {
    const accepted = this.recent.get(l.seq);
    const before = l.seq === 1 ? GENESIS : this.recent.get(l.seq - 1)?.hash;
    if (accepted && accepted === this.last.entry && l.prev === before && next?.prev === l.hash) {
      // The next line chains to this one: the line accepted with the same seq was the intruder.
      const by = `${l.file}:${l.line}`;
      this.inserted(accepted, `seq ${accepted.seq} is also used by ${by}, which the chain continues from`);
      return this.accept(l);
    }
    const gap = this.gaps.find((g) => l.seq >= g.from && l.seq <= g.to && !g.found.has(l.seq));
    if (gap) {
      gap.found.add(l.seq);
      this.report({ ...where(l), kind: 'reordered', detail: `seq ${l.seq} appears after seq ${this.last.seq}` });
      if (gap.found.size === gap.to - gap.from + 1) {
        gap.finding.kind = 'reordered';
        gap.finding.detail = `seqs ${gap.from}..${gap.to} are not missing but out of order`;
      }
      return;
    }
    this.inserted(l, `seq ${l.seq} repeats or goes back (the chain is at seq ${this.last.seq})`);
  }

  /** Accepts held-back lines that now fit, in order. Returns whether any did. */
  private fillDisplaced(): boolean {
    let filled = false;
    for (let d = this.displaced.get(this.last.seq + 1); d && this.fits(d); d = this.displaced.get(this.last.seq + 1)) {
      this.displaced.delete(d.seq);
      this.report({
        ...where(d),
        kind: 'reordered',
        detail: `seq ${d.seq} stands before seq ${this.last.seq}, which it follows in the chain`,
      });
      this.accept(d);
      filled = true;
    }
    return filled;
  }

  private fits(l: ChainEntry): boolean {
    return l.seq === this.last.seq + 1 && l.prev === this.last.hash;
  }

  private accept(l: ChainEntry): void {
    this.last = { seq: l.seq, hash: l.hash, entry: l };
    this.recent.delete(l.seq);
    this.recent.set(l.seq, l);
    if (this.recent.size > WINDOW) this.recent.delete(this.recent.keys().next().value as number);
    this.onAccept(l);
  }

  private inserted(l: ChainEntry, detail: string): void {
    this.report({ ...where(l), kind: 'inserted', detail });
  }
}

function where(e: ChainEntry): { file: string; line: number } {
  return { file: e.file, line: e.line };
}
