import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { sniffEncoding } from './encoding.js';
import type { FileKind } from './types.js';

/** Extensions shown to the reviewer as text (SQL, code, notes). */
const TEXT_EXTENSIONS = new Set([
  '.sql',
  '.txt',
  '.md',
  '.py',
  '.r',
  '.R',
  '.sas',
  '.do',
  '.ipynb',
  '.json',
  '.log',
  '.sh',
  '.yaml',
  '.yml',
]);

export interface KindOfFile {
  kind: FileKind;
  format: string;
}

/**
 * What a file is, from its name and its first bytes (the name alone would let an executable pass as a .png):
 * tables (CSV/TSV, XLSX), text, images (PNG, JPEG, SVG); anything else is 'other' and refused unless allowed.
 */
export async function kindOf(path: string, name: string): Promise<KindOfFile> {
  const ext = extname(name).toLowerCase();
  const head = Buffer.alloc(4096);
  const fh = await open(path, 'r');
  let n: number;
  try {
    ({ bytesRead: n } = await fh.read(head, 0, head.length, 0));
  } finally {
    await fh.close();
  }
  const bytes = head.subarray(0, n);
  const isZip = bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
  if (ext === '.xlsx') return { kind: isZip ? 'table' : 'other', format: 'xlsx' };
  if (ext === '.csv') return { kind: 'table', format: 'csv' };
  if (ext === '.tsv' || ext === '.tab') return { kind: 'table', format: 'tsv' };
  if (ext === '.png')
    return {
      kind: bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ? 'image' : 'other',
      format: 'png',
    };
  if (ext === '.jpg' || ext === '.jpeg')
    return { kind: bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff ? 'image' : 'other', format: 'jpeg' };
  if (ext === '.svg') return { kind: /<svg[\s>]/i.test(bytes.toString('utf8')) ? 'image' : 'other', format: 'svg' };
  if (TEXT_EXTENSIONS.has(ext) || TEXT_EXTENSIONS.has(extname(name)))
    return { kind: sniffEncoding(bytes) ? 'text' : 'other', format: 'text' };
  return { kind: 'other', format: ext.replace(/^\./, '') || 'unknown' };
}
