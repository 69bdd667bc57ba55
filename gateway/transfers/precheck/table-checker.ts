import { COUNT_KINDS, guessColumnKind, LABEL_KINDS } from './columns.js';
import type { FindingList } from './findings.js';
import type { Cell, ColumnKind, Finding, RuleId, SheetSummary } from './types.js';
import { columnLetter, isFullDate, isPostcode, isSuppressed, looksLikeFormula, normalise, parseAge, parseCount, TOTAL } from './values.js';

/** Identifier values remembered per column to tell "unique per row"; past this the column counts as unique so far. */
const MAX_IDS_TRACKED = 100_000;

/** Secondary-area population tiers, 匿名診療等関連情報 GL 第7-2(1)i ①–③. */
const AREA_HIDE_BELOW = 2_000;
const AREA_TIER_20_BELOW = 25_000;

interface Block {
  sum: number;
  /** Suppressed cells since the last total row (only whether there is exactly one matters, so at most 2 kept). */
  suppressed: Array<{ row: number; text: string }>;
}

interface IdState {
  seen: Set<string> | null;
  unique: boolean;
  first: { row: number; text: string } | null;
}

/**
 * Applies every rule of the pre-check to one table, row by row: memory holds one row, one running block per
 * column (differencing) and a bounded set of identifier values, never the table.
 */
export class TableChecker {
  private headers: string[] = [];
  private kinds: ColumnKind[] = [];
  private totalCols: number[] = [];
  private patientCol = -1;
  private areaCol = -1;
  private idCols: number[] = [];
  private readonly ids = new Map<number, IdState>();
  private blocks: Block[] = [];
  private readonly flaggedOnce = new Set<string>();
  private rows = 0;

  constructor(
    private readonly findings: FindingList,
    private readonly sheet: string | undefined,
    private readonly columns: Record<string, ColumnKind> = {},
    private readonly populations: ReadonlyMap<string, number> = new Map(),
  ) {}

  private add(rule: RuleId, row: number, col: number, value: string, detail?: string): void {
    const f: Finding = {
      rule,
      ...(this.sheet !== undefined ? { sheet: this.sheet } : {}),
      row,
      column: this.headers[col] || columnLetter(col),
      value,
      cell: `${columnLetter(col)}${row}`,
    };
    if (detail) f.detail = detail;
    this.findings.add(f);
  }

  private once(key: string): boolean {
    if (this.flaggedOnce.has(key)) return false;
    this.flaggedOnce.add(key);
    return true;
  }

  /** Row 1: the headers decide the column kinds (the analyst's statement first, else the guess). */
  header(cells: Cell[], row = 1): void {
    this.headers = cells.map((c) => normalise(c.text));
    this.kinds = this.headers.map((h) => this.columns[h] ?? guessColumnKind(h));
    this.totalCols = this.headers.flatMap((h, i) => (TOTAL.test(h) ? [i] : []));
    this.patientCol = this.kinds.indexOf('patient-count');
    this.areaCol = this.kinds.indexOf('secondary-area');
    this.idCols = this.kinds.flatMap((k, i) => (k === 'identifier' ? [i] : []));
    for (const i of this.idCols) this.ids.set(i, { seen: new Set(), unique: true, first: null });
    this.blocks = this.headers.map(() => ({ sum: 0, suppressed: [] }));
    cells.forEach((c, i) => {
      if (c.formula || looksLikeFormula(c.text)) this.add('formula-cell', row, i, c.text);
      const kind = this.kinds[i];
      if (kind === 'small-area')
        this.add('region-finer-than-secondary-area', row, i, c.text, 'a column finer than the secondary medical area');
      if (kind === 'birth-date') this.add('birth-date', row, i, c.text, 'dates of birth are individual data');
    });
    const insurerType = this.kinds.indexOf('insurer-type');
    if (insurerType !== -1 && this.areaCol !== -1) {
      this.add('insurer-type-by-secondary-area', row, insurerType, cells[insurerType]!.text, `crossed with ${this.headers[this.areaCol]}`);
    }
  }

  row(row: number, cells: Cell[]): void {
    if (cells.every((c) => c.text.trim() === '')) return;
    this.rows += 1;
    const first = normalise(cells[0]?.text ?? '');
    const isTotalRow = TOTAL.test(first);
    const patients = this.patientCol === -1 ? null : parseCount(cells[this.patientCol]?.text ?? '');
    const population = this.areaCol === -1 || isTotalRow ? undefined : this.populationOf(cells[this.areaCol]?.text ?? '');
    cells.forEach((c, i) => {
      if (c.formula || looksLikeFormula(c.text)) this.add('formula-cell', row, i, c.text);
      this.checkCell(row, i, c.text, patients, population);
    });
    this.differenceRow(row, cells);
    this.differenceColumns(row, cells, isTotalRow);
  }

  private populationOf(areaText: string): number | null {
    const key = normalise(areaText);
    return this.populations.get(key) ?? null;
  }

  private checkCell(row: number, col: number, text: string, patients: number | null, population: number | null | undefined): void {
    const kind = this.kinds[col] ?? 'other';
    if (kind === 'other') {
      if (isPostcode(text) && this.once(`postcode:${col}`)) this.add('region-finer-than-secondary-area', row, col, text, 'a postcode');
      return;
    }
    if (kind === 'identifier') return this.trackId(row, col, text);
    if (kind === 'date') {
      if (this.idCols.length > 0 && isFullDate(text) && this.once(`date:${col}`)) {
        this.add('full-date-with-person-key', row, col, text, `beside ${this.headers[this.idCols[0]!]}`);
      }
      return;
    }
    if (kind === 'age-band') return this.checkAge(row, col, text);
    const n = parseCount(text);
    if (n === null) return;
    switch (kind) {
      case 'patient-count':
        if (population !== undefined) return this.checkAreaCount(row, col, text, n, population);
        if (n > 0 && n < 10) this.add('patient-count-under-10', row, col, text);
        return;
      case 'facility-count':
        if (n > 0 && n < 3) this.add('facility-count-under-3', row, col, text);
        return;
      case 'insurer-count':
        if (n > 0 && n < 3) this.add('insurer-count-under-3', row, col, text);
        return;
      case 'drug-count-oral':
      case 'drug-count-injection':
        if (n <= 0) return;
        if (patients !== null) {
          if (patients < 10) this.add('drug-count-patients-under-10', row, col, text, `patients in this row: ${patients}`);
        } else if (kind === 'drug-count-oral' && n < 1000) this.add('drug-count-oral-under-1000', row, col, text);
        else if (kind === 'drug-count-injection' && n < 400) this.add('drug-count-injection-under-400', row, col, text);
        return;
      case 'rehab-count':
        if (n <= 0) return;
        if (patients !== null) {
          if (patients < 10) this.add('rehab-count-patients-under-10', row, col, text, `patients in this row: ${patients}`);
        } else if (n < 100) this.add('rehab-count-under-100', row, col, text);
        return;
      default:
        return;
    }
  }

  /** 第7-2(1)i ①–③; an area missing from the operator's table gets the strictest tier. */
  private checkAreaCount(row: number, col: number, text: string, n: number, population: number | null): void {
    if (population === null || population < AREA_HIDE_BELOW) {
      this.add(
        'area-population-under-2000',
        row,
        col,
        text,
        population === null ? 'population unknown: strictest tier' : `population ${population}`,
      );
    } else if (population < AREA_TIER_20_BELOW) {
      if (n > 0 && n < 20) this.add('area-patient-count-under-20', row, col, text, `population ${population}`);
    } else if (n > 0 && n < 10) {
      this.add('patient-count-under-10', row, col, text, `population ${population}`);
    }
  }

  /** 第7-2(2): 5-year bands (wider multiples allowed), one open band from 100 at the latest; single years under 20 shown. */
  private checkAge(row: number, col: number, text: string): void {
    const age = parseAge(text);
    if (!age) return;
    if (age.kind === 'single') {
      if (age.age < 20) this.add('age-single-year-under-20', row, col, text, 'allowed only when the study needs it');
      else this.add('age-not-5-year-band', row, col, text);
    } else if (age.kind === 'open') {
      if (age.from % 5 !== 0 || age.from > 100) this.add('age-not-5-year-band', row, col, text);
    } else {
      const width = age.to - age.from + 1;
      if (age.from % 5 !== 0 || width < 5 || width % 5 !== 0) this.add('age-not-5-year-band', row, col, text);
    }
  }

  private trackId(row: number, col: number, text: string): void {
    const value = normalise(text);
    if (value === '') return;
    const state = this.ids.get(col)!;
    if (!state.first) state.first = { row, text };
    if (!state.unique || !state.seen) return;
    if (state.seen.has(value)) {
      state.unique = false;
      state.seen = null;
    } else if (state.seen.size < MAX_IDS_TRACKED) state.seen.add(value);
  }

  /** Cells that may be summed: count columns, and unclassified columns except the first (the row label). */
  private summable(col: number): boolean {
    const kind = this.kinds[col] ?? 'other';
    if (LABEL_KINDS.has(kind) || this.totalCols.includes(col)) return false;
    return COUNT_KINDS.has(kind) || col > 0;
  }

  /** A row with a total and exactly one suppressed cell: total − the others gives it back. */
  private differenceRow(row: number, cells: Cell[]): void {
    const totalCol = this.totalCols.find((i) => parseCount(cells[i]?.text ?? '') !== null);
    if (totalCol === undefined) return;
    const total = parseCount(cells[totalCol]!.text)!;
    let sum = 0;
    let numbers = 0;
    const suppressed: number[] = [];
    cells.forEach((c, i) => {
      if (!this.summable(i)) return;
      const n = parseCount(c.text);
      if (n !== null) {
        sum += n;
        numbers += 1;
      } else if (isSuppressed(c.text, COUNT_KINDS.has(this.kinds[i] ?? 'other'))) suppressed.push(i);
    });
    if (suppressed.length === 1 && numbers > 0) {
      const i = suppressed[0]!;
      this.add('suppressed-recoverable', row, i, cells[i]!.text, `row total ${total} − the other cells = ${total - sum}`);
    }
  }

  /** Column blocks end at a total row: a block with exactly one suppressed cell is given back by the total. */
  private differenceColumns(row: number, cells: Cell[], isTotalRow: boolean): void {
    for (let i = 0; i < this.blocks.length; i++) {
      if (!this.summable(i)) continue;
      const block = this.blocks[i]!;
      const text = cells[i]?.text ?? '';
      const n = parseCount(text);
      if (isTotalRow) {
        if (n !== null && block.suppressed.length === 1) {
          const s = block.suppressed[0]!;
          this.add('suppressed-recoverable', s.row, i, s.text, `column total ${n} − the other cells = ${n - block.sum}`);
        }
        this.blocks[i] = { sum: 0, suppressed: [] };
      } else if (n !== null) block.sum += n;
      else if (isSuppressed(text, COUNT_KINDS.has(this.kinds[i] ?? 'other')) && block.suppressed.length < 2)
        block.suppressed.push({ row, text });
    }
  }

  finish(): SheetSummary {
    for (const col of this.idCols) {
      const state = this.ids.get(col)!;
      if (state.unique && state.first && this.rows >= 2) {
        this.add('individual-identifier', state.first.row, col, state.first.text, `unique in each of ${this.rows} rows`);
      }
    }
    return {
      ...(this.sheet !== undefined ? { name: this.sheet } : {}),
      rows: this.rows + 1,
      columns: this.headers.map((header, i) => ({ header, kind: this.kinds[i]! })),
    };
  }
}
