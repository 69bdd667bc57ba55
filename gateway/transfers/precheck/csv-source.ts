import { parse } from 'csv-parse';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decoder, EncodingError, SNIFF_BYTES, sniffEncoding, type TableEncoding } from './encoding.js';
import type { FindingList } from './findings.js';
import { TableChecker } from './table-checker.js';
import { type PrecheckOptions, type SheetSummary, type SinkFactory, StopReading } from './types.js';

/** One record may not exceed this (a runaway quote would otherwise buffer the whole file). */
const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_COLUMNS = 16_384;

export interface CsvOutcome {
  encoding?: TableEncoding;
  sheet?: SheetSummary;
  problem?: string;
}

/**
 * Streams a CSV/TSV through the decoder and csv-parse into the checker: one record in memory at a time, with
 * backpressure from the parser down to the file. Problems (encoding, quoting) end the check with a finding.
 */
export async function checkCsv(
  path: string,
  delimiter: ',' | '\t',
  findings: FindingList,
  opts: PrecheckOptions,
  sinkOf?: SinkFactory,
): Promise<CsvOutcome> {
  const fh = await open(path, 'r');
  const sample = Buffer.alloc(SNIFF_BYTES);
  let read: number;
  try {
    ({ bytesRead: read } = await fh.read(sample, 0, SNIFF_BYTES, 0));
  } finally {
    await fh.close();
  }
  const encoding = sniffEncoding(sample.subarray(0, read));
  if (encoding === null) {
    findings.add({ rule: 'encoding-undecidable', row: 1, column: '', value: '', detail: 'neither UTF-8 nor Shift_JIS/CP932' });
    return { problem: 'The file is neither UTF-8 nor Shift_JIS (CP932) text.' };
  }
  const checker = sinkOf ? sinkOf(undefined) : new TableChecker(findings, undefined, opts.columns, opts.populations);
  let row = 0;
  // Rows are checked inside the parser's own record hook and dropped (null): no object per row crosses a stream.
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_BYTES,
    skip_empty_lines: false,
    on_record: (record: string[]) => {
      row += 1;
      if (record.length > MAX_COLUMNS) throw new RangeError(`row ${row} has more than ${MAX_COLUMNS} columns`);
      const cells = record.map((text) => ({ text }));
      if (row === 1) checker.header(cells);
      else checker.row(row, cells);
      return null;
    },
  });
  const drain = new Writable({ objectMode: true, write: (_r, _e, done) => done() });
  try {
    await pipeline(createReadStream(path, { highWaterMark: 256 * 1024 }), decoder(encoding), parser, drain);
  } catch (err) {
    if (err instanceof StopReading) return { encoding, sheet: checker.finish() };
    const atRow = row + 1;
    if (err instanceof EncodingError) {
      findings.add({ rule: 'encoding-undecidable', row: atRow, column: '', value: '', detail: err.message });
      return { encoding, sheet: checker.finish(), problem: `Row ${atRow}: ${err.message}.` };
    }
    const message = (err as Error)?.message ?? String(err);
    findings.add({ rule: 'malformed-table', row: atRow, column: '', value: '', detail: message.slice(0, 300) });
    return { encoding, sheet: checker.finish(), problem: `The table is malformed near row ${atRow}: ${message.slice(0, 200)}` };
  }
  if (row === 0) checker.header([]);
  return { encoding, sheet: checker.finish() };
}
