import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';

/** A temp dir for one test file's fixtures. */
export function fixtureDir(): string {
  return mkdtempSync(join(tmpdir(), 'hic-precheck-'));
}

/** Writes a table as CSV text (rows of cells; cells quoted only when needed). */
export function writeCsv(
  dir: string,
  name: string,
  rows: Array<Array<string | number>>,
  encode: (s: string) => Buffer = (s) => Buffer.from(s, 'utf8'),
): string {
  const text =
    rows.map((r) => r.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',')).join('\r\n') +
    '\r\n';
  const path = join(dir, name);
  writeFileSync(path, encode(text));
  return path;
}

/** An XLSX written by exceljs (a real spreadsheet library), one worksheet per entry. */
export async function writeXlsx(
  dir: string,
  name: string,
  sheets: Record<string, Array<Array<string | number | { formula: string; result?: number }>>>,
): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const [sheetName, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(sheetName);
    for (const r of rows) ws.addRow(r);
  }
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}
