/**
 * The disclosure pre-check's vocabulary (匿名診療等関連情報 GL 第7-2, SPEC DATA-3). Findings advise the reviewer;
 * a file without findings is not thereby approved.
 */

/** Count kinds (columns.ts: COUNT_KINDS): cells count people, facilities, insurers or prescriptions. */
export const COUNT_KIND_NAMES = [
  'patient-count',
  'facility-count',
  'insurer-count',
  'drug-count-oral',
  'drug-count-injection',
  'rehab-count',
] as const;

/** Label kinds (columns.ts: LABEL_KINDS). */
export const LABEL_KIND_NAMES = ['age-band', 'secondary-area', 'small-area', 'insurer-type', 'identifier', 'birth-date', 'date'] as const;

/** What a column holds, as the analyst states it (defaults guessed from the header: columns.ts). */
export const COLUMN_KINDS = [...COUNT_KIND_NAMES, ...LABEL_KIND_NAMES, 'other'] as const;

export type ColumnKind = (typeof COLUMN_KINDS)[number];

/** Every rule the pre-check applies; each finding names one. */
export type RuleId =
  /** 第7-2(1)i: patient counts 1–9 (0 allowed). */
  | 'patient-count-under-10'
  /** 第7-2(1)i①: secondary medical area under 2,000 people (or population unknown: strictest tier): no counts at all. */
  | 'area-population-under-2000'
  /** 第7-2(1)i②: area of 2,000 to under 25,000 people: counts 1–19. */
  | 'area-patient-count-under-20'
  /** 第7-2(1)ii: facility or insurer counts 1–2. */
  | 'facility-count-under-3'
  | 'insurer-count-under-3'
  /** 第7-2(1)iii①, iv①: the row's patient count is known to be under 10. */
  | 'drug-count-patients-under-10'
  | 'rehab-count-patients-under-10'
  /** 第7-2(1)iii②, iv②: patient count not known. */
  | 'drug-count-oral-under-1000'
  | 'drug-count-injection-under-400'
  | 'rehab-count-under-100'
  /** 第7-2(2): ages in 5-year bands, 100+ one band; single years under 20 only when needed (shown to the reviewer). */
  | 'age-not-5-year-band'
  | 'age-single-year-under-20'
  /** 第7-2(3)i, ii: nothing finer than the secondary medical area (municipality, postcode). */
  | 'region-finer-than-secondary-area'
  /** 第7-2(3)iii: no cross-tabulation of insurer type by secondary medical area. */
  | 'insurer-type-by-secondary-area'
  /** Signs of individual records (個票): an identifier unique per row, dates of birth, full dates beside a person key. */
  | 'individual-identifier'
  | 'birth-date'
  | 'full-date-with-person-key'
  /** A suppressed cell that its row or column total gives back (differencing). */
  | 'suppressed-recoverable'
  /** A cell a spreadsheet would run as a formula (=, +, -, @ at the start, or an XLSX formula). */
  | 'formula-cell'
  /** The file could not be read as a table: the reviewer sees why, the analyst gets a clear message. */
  | 'malformed-table'
  | 'encoding-undecidable'
  | 'zip-bomb'
  | 'unsupported-kind'
  /** More findings than are kept; the count of the rest is in the result. */
  | 'findings-truncated';

/** One finding: where (sheet, 1-based row, column header) and what (the cell's text) and which rule. */
export interface Finding {
  rule: RuleId;
  sheet?: string;
  /** 1-based row in the table as a spreadsheet counts it (the header is row 1). */
  row: number;
  /** The column's header (its letter when the header is empty). */
  column: string;
  value: string;
  /** Spreadsheet address, e.g. "B3", for highlighting in the preview. */
  cell?: string;
  /** A short explanation for the reviewer (e.g. the population tier used, the recomputed value). */
  detail?: string;
}

/** One cell as a source hands it over. */
export interface Cell {
  text: string;
  /** True when the source itself marks a formula (XLSX `<f>`); text-looking formulas are found by the checker. */
  formula?: boolean;
}

/** What was found about a table (one per CSV, one per XLSX sheet). */
export interface SheetSummary {
  name?: string;
  rows: number;
  columns: { header: string; kind: ColumnKind }[];
}

export type FileKind = 'table' | 'text' | 'image' | 'other';

export interface PrecheckResult {
  kind: FileKind;
  /** csv, tsv, xlsx, text, png, jpeg, svg … */
  format: string;
  encoding?: 'utf-8' | 'utf-8-bom' | 'cp932';
  sheets: SheetSummary[];
  findings: Finding[];
  /** Findings beyond the kept ones (memory stays bounded on a file full of small counts). */
  findingsDropped: number;
  /** A message for the analyst when the file could not be checked (malformed, wrong kind, zip bomb …). */
  problem?: string;
}

export interface PrecheckOptions {
  /** Column kinds by header, as the analyst stated them; other columns are guessed from their header. */
  columns?: Record<string, ColumnKind>;
  /** Population of secondary medical areas by code or name (the operator's reference table). */
  populations?: ReadonlyMap<string, number>;
  /** Largest total unpacked size of an XLSX (zip-bomb bound), bytes. */
  maxUnpackedBytes?: number;
  /** Findings kept (the rest are counted). */
  maxFindings?: number;
}

/** Where a source hands its rows: the checker, or a preview collecting the first rows. */
export interface RowSink {
  header(cells: Cell[], row?: number): void;
  row(row: number, cells: Cell[]): void;
  finish(): SheetSummary;
}

/** A sink per table (per sheet for XLSX). */
export type SinkFactory = (sheet: string | undefined) => RowSink;

/** Thrown by a sink that has seen enough (a preview): the source stops reading this table quietly. */
export class StopReading extends Error {
  override name = 'StopReading';
}
