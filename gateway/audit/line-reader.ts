import { createReadStream } from 'node:fs';

/** One line of a file as stored: exact bytes, so hashes are computed over what is on disk. */
export interface RawLine {
  /** Bytes without the newline. Valid only until the next line is requested. */
  bytes: Buffer;
  /** 1-based line number. */
  line: number;
  /** False for bytes after the last newline: a line cut short. */
  terminated: boolean;
}

/**
 * Streams a file's lines split on `\n` only. Unlike readline, a stray `\r` stays part of the line: an edit that
 * adds one must change the hash.
 */
export async function* readRawLines(path: string): AsyncGenerator<RawLine> {
  let carry: Buffer[] = [];
  let line = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      const bytes = carry.length > 0 ? Buffer.concat([...carry, piece]) : piece;
      carry = [];
      line += 1;
      yield { bytes, line, terminated: true };
      start = nl + 1;
    }
    if (start < chunk.length) carry.push(chunk.subarray(start));
  }
  if (carry.length > 0) yield { bytes: Buffer.concat(carry), line: line + 1, terminated: false };
}
