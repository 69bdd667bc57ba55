/**
 * A byte string a matching audit line must contain (e.g. `"user":"u0123"`), searched for natively in the raw
 * buffer. (A Boyer-Moore-Horspool search in JavaScript was measured too, on the 10-million-line benchmark: no
 * faster on realistic data, where the hex of hashes spreads the byte values; so the native search stays.)
 */
export class Needle {
  constructor(readonly bytes: Buffer) {}

  /** First position at or after `from` where the needle starts and ends before `end`; -1 when none. */
  indexIn(hay: Buffer, from: number, end: number): number {
    const at = hay.indexOf(this.bytes, from);
    return at === -1 || at + this.bytes.length > end ? -1 : at;
  }
}
