import { Readable } from 'node:stream';
import type { FindingList } from './findings.js';
import { TableChecker } from './table-checker.js';
import { type Cell, type PrecheckOptions, type RowSink, type SheetSummary, type SinkFactory, StopReading } from './types.js';
import { columnIndex } from './values.js';
import { streamXml } from './xml-stream.js';
import { ZipArchive, ZipBombError } from './zip-reader.js';

/** Default zip-bomb bound: a workbook may unpack to at most this much (the 50 MiB upload limit, ~10× packed). */
export const DEFAULT_MAX_UNPACKED = 512 * 1024 * 1024;
const MAX_COLUMNS = 16_384;
const MAX_SHARED_STRINGS = 2_000_000;

export interface XlsxOutcome {
  sheets: SheetSummary[];
  problem?: string;
}

interface SheetRef {
  name: string;
  part: string;
}

/** Attribute value whatever prefix the writer chose for the relationships namespace (r:id, ns1:id …). */
function relId(attributes: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(attributes)) if (k === 'id' || k.endsWith(':id')) return v;
  return undefined;
}

async function sheetRefs(zip: ZipArchive): Promise<SheetRef[]> {
  const workbook = await zip.text('xl/workbook.xml');
  const rels = await zip.text('xl/_rels/workbook.xml.rels');
  if (workbook === null || rels === null) throw new Error('not an XLSX workbook (xl/workbook.xml missing)');
  const targets = new Map<string, string>();
  const named: Array<{ name: string; rid: string }> = [];
  await streamXml(Readable.from([Buffer.from(rels)]), {
    open: (tag) => {
      if (tag.name === 'Relationship' && tag.attributes.Id && tag.attributes.Target) targets.set(tag.attributes.Id, tag.attributes.Target);
    },
    close: () => {},
    text: () => {},
  });
  await streamXml(Readable.from([Buffer.from(workbook)]), {
    open: (tag) => {
      const rid = relId(tag.attributes);
      if (tag.name === 'sheet' && tag.attributes.name !== undefined && rid) named.push({ name: tag.attributes.name, rid });
    },
    close: () => {},
    text: () => {},
  });
  return named.flatMap(({ name, rid }) => {
    const target = targets.get(rid);
    if (!target) return [];
    const part = target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
    return zip.entries.has(part) ? [{ name, part }] : [];
  });
}

/** The shared-string table: each <si>'s text runs joined, phonetic guides (<rPh>, furigana) left out. */
async function sharedStrings(zip: ZipArchive): Promise<string[]> {
  if (!zip.entries.has('xl/sharedStrings.xml')) return [];
  const strings: string[] = [];
  let current: string[] | null = null;
  let inText = false;
  let phonetic = 0;
  await streamXml(await zip.stream('xl/sharedStrings.xml'), {
    open: (tag) => {
      if (tag.name === 'si') current = [];
      else if (tag.name === 'rPh') phonetic += 1;
      else if (tag.name === 't') inText = phonetic === 0;
    },
    close: (name) => {
      if (name === 'si' && current) {
        if (strings.length >= MAX_SHARED_STRINGS) throw new ZipBombError(`more than ${MAX_SHARED_STRINGS} shared strings`);
        strings.push(current.join(''));
        current = null;
      } else if (name === 'rPh') phonetic -= 1;
      else if (name === 't') inText = false;
    },
    text: (t) => {
      if (inText && current) current.push(t);
    },
  });
  return strings;
}

/** Streams one worksheet's XML into the checker: one row of cells in memory at a time. */
async function checkSheet(zip: ZipArchive, ref: SheetRef, strings: string[], checker: RowSink): Promise<void> {
  let rowNumber = 0;
  let cells: Cell[] = [];
  let cell: { col: number; type: string; formula: boolean; text: string } | null = null;
  let capture: 'v' | 't' | null = null;
  let headerSeen = false;
  const flushRow = () => {
    if (!headerSeen) {
      headerSeen = true;
      checker.header(cells, rowNumber);
    } else checker.row(rowNumber, cells);
    cells = [];
  };
  await streamXml(await zip.stream(ref.part), {
    open: (tag) => {
      switch (tag.name) {
        case 'row':
          rowNumber = Number(tag.attributes.r) || rowNumber + 1;
          cells = [];
          break;
        case 'c': {
          const at = tag.attributes.r ? columnIndex(tag.attributes.r.replace(/\d+$/, '')) : cells.length;
          cell = { col: at < 0 ? cells.length : at, type: tag.attributes.t ?? 'n', formula: false, text: '' };
          break;
        }
        case 'f':
          if (cell) cell.formula = true;
          break;
        case 'v':
          capture = 'v';
          break;
        case 't':
          if (cell?.type === 'inlineStr') capture = 't';
          break;
        default:
      }
    },
    close: (name) => {
      if (name === 'v' || name === 't') capture = null;
      else if (name === 'c' && cell) {
        if (cell.col >= MAX_COLUMNS) throw new RangeError(`row ${rowNumber} has more than ${MAX_COLUMNS} columns`);
        const text = cell.type === 's' ? (strings[Number(cell.text)] ?? '') : cell.text;
        while (cells.length < cell.col) cells.push({ text: '' });
        cells[cell.col] = { text, ...(cell.formula ? { formula: true } : {}) };
        cell = null;
      } else if (name === 'row') flushRow();
    },
    text: (t) => {
      if (capture && cell) cell.text += t;
    },
  });
  if (!headerSeen) checker.header([]);
}

/**
 * Checks every sheet of an XLSX. The zip's directory is judged first (zip-bomb bounds) and nothing is unpacked
 * when it fails; then the shared strings, then each sheet streamed.
 */
export async function checkXlsx(path: string, findings: FindingList, opts: PrecheckOptions, sinkOf?: SinkFactory): Promise<XlsxOutcome> {
  const sheets: SheetSummary[] = [];
  let zip: ZipArchive;
  try {
    zip = await ZipArchive.open(path, {
      maxUnpackedBytes: opts.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED,
      maxEntries: 10_000,
      maxRatio: 1_000,
    });
  } catch (err) {
    return refuse(err, findings, sheets, undefined);
  }
  let current: string | undefined;
  try {
    const refs = await sheetRefs(zip);
    const strings = await sharedStrings(zip);
    for (const ref of refs) {
      current = ref.name;
      const checker = sinkOf ? sinkOf(ref.name) : new TableChecker(findings, ref.name, opts.columns, opts.populations);
      try {
        await checkSheet(zip, ref, strings, checker);
      } catch (err) {
        if (!(err instanceof StopReading)) throw err;
      } finally {
        sheets.push(checker.finish());
      }
    }
    return { sheets };
  } catch (err) {
    return refuse(err, findings, sheets, current);
  } finally {
    zip.close();
  }
}

function refuse(err: unknown, findings: FindingList, sheets: SheetSummary[], sheet: string | undefined): XlsxOutcome {
  const message = String((err as Error)?.message ?? err).slice(0, 300);
  const bomb = err instanceof ZipBombError;
  findings.add({
    rule: bomb ? 'zip-bomb' : 'malformed-table',
    ...(sheet !== undefined ? { sheet } : {}),
    row: 0,
    column: '',
    value: '',
    detail: message,
  });
  return {
    sheets,
    problem: bomb ? `The workbook was refused before unpacking: ${message}.` : `The workbook could not be read: ${message}`,
  };
}
