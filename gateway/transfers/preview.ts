import { open } from 'node:fs/promises';
import { FindingList } from './precheck/findings.js';
import { type Cell, type RowSink, type SheetSummary, StopReading } from './precheck/types.js';

export interface SheetPreview {
  name?: string;
  rows: Array<{ row: number; cells: string[] }>;
  /** True when the table goes on past the preview. */
  more: boolean;
}

/** Collects the first rows of a table, then stops the source (the reviewer sees the top; findings cover all). */
class PreviewSink implements RowSink {
  readonly rows: Array<{ row: number; cells: string[] }> = [];
  more = false;
  constructor(
    private readonly max: number,
    readonly name: string | undefined,
  ) {}
  private take(row: number, cells: Cell[]): void {
    if (this.rows.length >= this.max) {
      this.more = true;
      throw new StopReading();
    }
    this.rows.push({ row, cells: cells.map((c) => c.text) });
  }
  header(cells: Cell[], row = 1): void {
    this.take(row, cells);
  }
  row(row: number, cells: Cell[]): void {
    this.take(row, cells);
  }
  finish(): SheetSummary {
    return { rows: this.rows.length, columns: [] };
  }
}

/** The first rows of every sheet of a table in quarantine (text only: nothing is evaluated, formulas included). */
export async function previewTable(path: string, format: string, maxRows = 50): Promise<SheetPreview[]> {
  const sinks: PreviewSink[] = [];
  const sinkOf = (sheet: string | undefined) => {
    const s = new PreviewSink(maxRows, sheet);
    sinks.push(s);
    return s;
  };
  const ignored = new FindingList(10);
  // Parsers load on first use (see exports.ts).
  const [{ checkCsv }, { checkXlsx }] = await Promise.all([import('./precheck/csv-source.js'), import('./precheck/xlsx-source.js')]);
  if (format === 'xlsx') await checkXlsx(path, ignored, {}, sinkOf);
  else await checkCsv(path, format === 'tsv' ? '\t' : ',', ignored, {}, sinkOf);
  return sinks.map((s) => ({ ...(s.name !== undefined ? { name: s.name } : {}), rows: s.rows, more: s.more }));
}

/** The start of a text file (SQL, code), decoded as UTF-8 or CP932, for the reviewer to read. */
export async function previewText(path: string, maxBytes = 256 * 1024): Promise<{ text: string; truncated: boolean }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const bytes = buf.subarray(0, Math.min(bytesRead, maxBytes));
    const { decodeText } = await import('./precheck/encoding.js');
    const text = decodeText(bytes);
    return { text, truncated: bytesRead > maxBytes };
  } finally {
    await fh.close();
  }
}
