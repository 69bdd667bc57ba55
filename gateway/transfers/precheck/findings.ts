import type { Finding } from './types.js';

/** The findings of one file, capped so that memory stays bounded on a file full of small counts. */
export class FindingList {
  readonly items: Finding[] = [];
  dropped = 0;
  constructor(private readonly max: number) {}
  add(finding: Finding): void {
    if (this.items.length < this.max) this.items.push(finding);
    else this.dropped += 1;
  }
}
