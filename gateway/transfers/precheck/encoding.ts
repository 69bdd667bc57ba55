import iconv from 'iconv-lite';
import { Transform, type TransformCallback } from 'node:stream';

export type TableEncoding = 'utf-8' | 'utf-8-bom' | 'cp932';

/** How much of the file decides the encoding. */
export const SNIFF_BYTES = 64 * 1024;

/**
 * Decides the encoding from the first bytes: a UTF-8 BOM; else valid UTF-8; else Shift_JIS/CP932 (what Japanese
 * Excel writes) when it decodes without a replacement character; else null (undecidable: the analyst is told).
 * NUL bytes mean a binary file or UTF-16, neither of which is a CSV we accept.
 */
export function sniffEncoding(sample: Buffer): TableEncoding | null {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return 'utf-8-bom';
  if (sample.includes(0)) return null;
  try {
    // stream: true — a character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return 'utf-8';
  } catch {
    // not UTF-8: try CP932 below
  }
  const text = iconv.decode(sample, 'cp932');
  return text.includes('\ufffd') ? null : 'cp932';
}

/** Text for people to read (previews): CP932 when that is what the bytes are, else UTF-8 (replacing bad bytes). */
export function decodeText(bytes: Buffer): string {
  return sniffEncoding(bytes) === 'cp932' ? iconv.decode(bytes, 'cp932') : bytes.toString('utf8');
}

/** Thrown when a byte later in the file does not fit the encoding decided from the start. */
export class EncodingError extends Error {
  override name = 'EncodingError';
}

/**
 * Bytes → UTF-8 bytes for the parser, failing (not replacing) on a byte that does not belong to the encoding.
 * UTF-8 input is only validated and passed on as it came (no second copy).
 */
export function decoder(encoding: TableEncoding): Transform {
  if (encoding === 'cp932') {
    const dec = iconv.getDecoder('cp932');
    return new Transform({
      transform(chunk: Buffer, _enc, done: TransformCallback) {
        const text = dec.write(chunk);
        if (text.includes('\ufffd')) return done(new EncodingError('a byte sequence is not valid Shift_JIS/CP932'));
        done(null, Buffer.from(text, 'utf8'));
      },
      flush(done: TransformCallback) {
        const rest = dec.end() ?? '';
        if (rest.includes('\ufffd')) return done(new EncodingError('the file ends inside a Shift_JIS/CP932 character'));
        done(null, rest ? Buffer.from(rest, 'utf8') : undefined);
      },
    });
  }
  const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      try {
        dec.decode(chunk, { stream: true });
        done(null, chunk);
      } catch {
        done(new EncodingError('a byte sequence is not valid UTF-8'));
      }
    },
    flush(done: TransformCallback) {
      try {
        dec.decode();
        done();
      } catch {
        done(new EncodingError('the file ends inside a UTF-8 character'));
      }
    },
  });
}
