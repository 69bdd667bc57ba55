import yauzl, { type Entry, type ZipFile } from 'yauzl';
import type { Readable } from 'node:stream';

/** Zip-bomb bounds, checked on the central directory before any entry is unpacked. */
export interface ZipBounds {
  maxUnpackedBytes: number;
  maxEntries: number;
  /** A single entry unpacking to more than this many times its packed size (and over 1 MiB) is refused. */
  maxRatio: number;
}

export class ZipBombError extends Error {
  override name = 'ZipBombError';
}

/**
 * An opened zip whose directory has been read and judged: entries by name, each readable as a stream whose
 * unpacked length yauzl holds to the declared size (validateEntrySizes), so the bound checked up front holds.
 */
export class ZipArchive {
  private constructor(
    private readonly zip: ZipFile,
    readonly entries: Map<string, Entry>,
  ) {}

  static async open(path: string, bounds: ZipBounds): Promise<ZipArchive> {
    const zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, z) =>
        err ? reject(err) : resolve(z),
      ),
    );
    const entries = new Map<string, Entry>();
    let total = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('error', reject);
        zip.on('end', () => resolve());
        zip.on('entry', (entry: Entry) => {
          total += entry.uncompressedSize;
          if (entries.size >= bounds.maxEntries) return reject(new ZipBombError(`more than ${bounds.maxEntries} entries`));
          if (total > bounds.maxUnpackedBytes) return reject(new ZipBombError(`unpacks to more than ${bounds.maxUnpackedBytes} bytes`));
          if (entry.uncompressedSize > 1024 * 1024 && entry.uncompressedSize > bounds.maxRatio * Math.max(1, entry.compressedSize)) {
            return reject(
              new ZipBombError(
                `${entry.fileName} unpacks ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} times its size`,
              ),
            );
          }
          entries.set(entry.fileName, entry);
          zip.readEntry();
        });
        zip.readEntry();
      });
    } catch (err) {
      zip.close();
      throw err;
    }
    return new ZipArchive(zip, entries);
  }

  stream(name: string): Promise<Readable> {
    const entry = this.entries.get(name);
    if (!entry) return Promise.reject(new Error(`${name} is missing`));
    return new Promise((resolve, reject) => this.zip.openReadStream(entry, (err, s) => (err ? reject(err) : resolve(s))));
  }

  /** Small parts (workbook, relationships) as text; refused above `max` bytes. */
  async text(name: string, max = 8 * 1024 * 1024): Promise<string | null> {
    const entry = this.entries.get(name);
    if (!entry) return null;
    if (entry.uncompressedSize > max) throw new ZipBombError(`${name} is larger than ${max} bytes`);
    const chunks: Buffer[] = [];
    for await (const chunk of await this.stream(name)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  close(): void {
    this.zip.close();
  }
}
