import ExcelJS from 'exceljs';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { precheckFile } from '../gateway/transfers/precheck/index.js';

/**
 * Pre-check benchmark (not a test): time and peak memory for a 50 MiB CSV and a 20 MiB XLSX, and for files a
 * tenth of that size, to show that memory does not grow with the file. Run after `npm run build`:
 *   node --expose-gc dist/load-tests/precheck.js [--csv-mib 50] [--xlsx-mib 20]
 * Prints one line per file; the files are written to a temp dir and removed.
 */
const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i === -1 ? dflt : Number(args[i + 1]);
};
const AREAS = ['区中央部', '区南部', '区西南部', '区西部', '区西北部', '区東北部', '区東部', '西多摩', '南多摩', '北多摩西部'];
/** The operator's reference table: every area known and large, so only genuinely small cells are findings. */
const POPULATIONS = new Map(AREAS.map((a) => [a, 500_000]));
const BANDS = [
  '0-4',
  '5-9',
  '10-14',
  '15-19',
  '20-24',
  '25-29',
  '30-34',
  '35-39',
  '40-44',
  '45-49',
  '50-54',
  '55-59',
  '60-64',
  '65-69',
  '70-74',
  '75-79',
  '80-84',
  '85-89',
  '90-94',
  '95-99',
  '100+',
];

function row(i: number): Array<string | number> {
  // Compliant counts except one row in 1,000 with a patient count of 3: a few findings, as in real use.
  return [
    AREAS[i % AREAS.length]!,
    BANDS[i % BANDS.length]!,
    `疾患${i % 500}`,
    i % 1000 === 7 ? 3 : ((i * 7919) % 100_000) + 10,
    ((i * 31) % 50_000) + 3,
    ((i * 13) % 2000) + 1000,
  ];
}
const HEADER = ['二次医療圏', '年齢階級', '傷病名', '患者数', '施設数', '処方数'];

async function writeCsv(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  out.write(HEADER.join(',') + '\n');
  let written = 0;
  for (let i = 0; written < bytes; i++) {
    const line = row(i).join(',') + '\n';
    written += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function writeXlsx(path: string, bytes: number): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const sheets = [wb.addWorksheet('外来'), wb.addWorksheet('入院')];
  for (const ws of sheets) ws.addRow(HEADER).commit();
  // The packed size is known only at the end; rows per MiB measured on this generator (about 25,000).
  const rows = Math.round((bytes / (1024 * 1024)) * 25_000);
  for (let i = 0; i < rows; i++) sheets[i % 2]!.addRow(row(i)).commit();
  for (const ws of sheets) ws.commit();
  await wb.commit();
}

async function measure(path: string, name: string): Promise<string> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const start = process.hrtime.bigint();
  const result = await precheckFile(path, name, { populations: POPULATIONS });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(timer);
  const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
  const size = statSync(path).size;
  const rows = result.sheets.reduce((s, sh) => s + sh.rows, 0);
  return `${name.padEnd(12)} ${mib(size).padStart(6)} MiB  ${rows.toString().padStart(9)} rows  ${seconds.toFixed(2).padStart(6)} s  ${(size / 1024 / 1024 / seconds).toFixed(1).padStart(5)} MiB/s  peak RSS ${mib(peakRss)} MiB (start ${mib(before.rss)})  peak heap ${mib(peakHeap)} MiB (start ${mib(before.heapUsed)})  findings ${result.findings.length}+${result.findingsDropped}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hic-precheck-bench-'));
  try {
    const csvMib = arg('--csv-mib', 50);
    const xlsxMib = arg('--xlsx-mib', 20);
    const plan: Array<[string, (p: string, b: number) => Promise<void>, number]> = [
      ['small.csv', writeCsv, csvMib / 10],
      ['large.csv', writeCsv, csvMib],
      ['small.xlsx', writeXlsx, xlsxMib / 10],
      ['large.xlsx', writeXlsx, xlsxMib],
    ];
    for (const [name, write, mibs] of plan) {
      const path = join(dir, name);
      await write(path, mibs * 1024 * 1024);
      process.stdout.write(`${await measure(path, name)}\n`);
      rmSync(path);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
