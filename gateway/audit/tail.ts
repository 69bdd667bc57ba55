import type { FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** The end of a file, as far as a writer resuming after it needs. */
export interface FileTail {
  /** The last complete line (without its newline), or null when the file has no newline at all. */
  line: Buffer | null;
  /** Bytes after the last newline: a line cut by a crash (empty after a clean stop). */
  partial: Buffer;
  /** Offset where `partial` starts, i.e. the length of the file's complete lines. */
  partialOffset: number;
}

/**
 * Reads a file backwards in 64 KiB steps until the last complete line is found, so resuming costs the same
 * whether the day file holds ten lines or ten million.
 */
export async function readTail(fh: FileHandle, size: number): Promise<FileTail> {
  let pos = size;
  let buf = Buffer.alloc(0);
  for (;;) {
    const lastNl = buf.lastIndexOf(NEWLINE);
    if (lastNl !== -1) {
      // lastIndexOf with a negative offset counts from the end: never pass -1.
      const prevNl = lastNl > 0 ? buf.lastIndexOf(NEWLINE, lastNl - 1) : -1;
      if (prevNl !== -1 || pos === 0) {
        return {
          line: buf.subarray(prevNl + 1, lastNl),
          partial: buf.subarray(lastNl + 1),
          partialOffset: pos + lastNl + 1,
        };
      }
    }
    if (pos === 0) return { line: null, partial: buf, partialOffset: 0 };
    const step = Math.min(CHUNK, pos);
    const chunk = Buffer.alloc(step);
    await readFully(fh, chunk, pos - step);
    buf = Buffer.concat([chunk, buf]);
    pos -= step;
  }
}

async function readFully(fh: FileHandle, target: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await fh.read(target, done, target.length - done, position + done);
    if (bytesRead === 0) throw new Error('file shrank while reading its tail');
    done += bytesRead;
  }
}
