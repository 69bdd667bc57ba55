import { close, fsync, open as openCb, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GENESIS, dayFileOf, hashLine, lineBytesAtMost, writeLine } from './line-format.js';
import type { ChainTip } from './resume.js';

const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);
const openAsync = promisify(openCb);

/** A line waiting for its place in the chain: time and body are fixed when it was logged. */
export interface PendingLine {
  kind: 'access' | 'security';
  /** ISO 8601 UTC with milliseconds. */
  time: string;
  /** The record as JSON (see encodeBody). */
  body: string;
}

/**
 * Owns the chain of one instance: assigns seq/prev, appends lines to the day file, rotates at UTC midnight.
 *
 * Writes are synchronous `write(2)` calls, one per batch and file, made from the event loop in chain order (the
 * choice pino.destination makes by default): the bytes reach the page cache in exactly the order of their seq,
 * with no interleaving of concurrent async writes to reason about, and a full queue can be written in the
 * caller's turn. Only fsync, the part that waits for the device, is asynchronous.
 */
export class ChainWriter {
  private seq: number;
  private prev: string;
  private file: string | null;
  private fd: number | null = null;
  /** Files closed by rotation whose data still needs an fsync before their descriptor is closed. */
  private retiring: number[] = [];
  /** A new day file was created: its directory entry needs an fsync too. */
  private dirDirty = false;
  private syncRunning: Promise<void> = Promise.resolve();
  private syncQueued: Promise<void> | null = null;
  /** Reused for every batch; grows to the largest batch (bounded by the audit log's queue limit). */
  private batch = Buffer.allocUnsafe(256 * 1024);

  constructor(
    private readonly instanceDir: string,
    private readonly instanceJson: string,
    tip: ChainTip | null,
  ) {
    this.seq = tip?.seq ?? 0;
    this.prev = tip?.hash ?? GENESIS;
    this.file = tip?.file ?? null;
  }

  /** The last line written: what a checkpoint attests. Null before the first line. */
  get tip(): ChainTip | null {
    return this.file === null || this.seq === 0 ? null : { seq: this.seq, hash: this.prev, file: this.file };
  }

  /**
   * Appends lines in order. A line goes to the day file of its time, but never to a file older than the current
   * one (a clock stepping back across midnight must not reopen yesterday). Seq/prev advance only after the bytes
   * were written, so a failed write leaves the chain where the file is. Throws on I/O errors.
   */
  append(lines: readonly PendingLine[]): void {
    let start = 0;
    while (start < lines.length) {
      const first = lines[start] as PendingLine;
      const target = this.file === null || dayFileOf(first.time) > this.file ? dayFileOf(first.time) : this.file;
      let seq = this.seq;
      let prev = this.prev;
      // Each line is encoded once, into the batch buffer, and hashed there: no array, join, line string or second
      // UTF-8 encoding per line (every proxied request writes one; docs/performance.md). Same bytes as before.
      // The day of a line is the first ten characters of its time: a line of the target's day is told by a prefix
      // comparison, without building its file name (a string per line); only another day computes it.
      const day = target.slice(0, 10);
      let used = 0;
      let i = start;
      for (; i < lines.length; i++) {
        const line = lines[i] as PendingLine;
        if (i > start && !line.time.startsWith(day) && dayFileOf(line.time) > target) break;
        seq += 1;
        this.reserve(used, lineBytesAtMost(line.time, this.instanceJson, line.body) + 1);
        const end = writeLine(this.batch, used, seq, prev, line.time, this.instanceJson, line.kind, line.body);
        prev = hashLine(this.batch.subarray(used, end));
        this.batch[end] = 0x0a;
        used = end + 1;
      }
      this.writeAll(this.fdFor(target), this.batch.subarray(0, used));
      this.seq = seq;
      this.prev = prev;
      start = i;
    }
  }

  /**
   * Makes everything written so far durable. Callers that arrive while an fsync runs share the next one (group
   * commit), so a burst of security events costs about two fsyncs, not one each.
   */
  sync(): Promise<void> {
    if (this.syncQueued) return this.syncQueued;
    const next = this.syncRunning.then(() => {
      this.syncQueued = null;
      return this.syncNow();
    });
    this.syncQueued = next;
    this.syncRunning = next.catch(() => undefined);
    return next;
  }

  /** Fsyncs and closes every file. The writer must not be used afterwards. */
  async close(): Promise<void> {
    await this.sync();
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) await closeAsync(fd);
  }

  private async syncNow(): Promise<void> {
    const retiring = this.retiring;
    this.retiring = [];
    const dirDirty = this.dirDirty;
    this.dirDirty = false;
    const fds = this.fd === null ? retiring : [...retiring, this.fd];
    await Promise.all(fds.map((fd) => fsyncAsync(fd)));
    await Promise.all(retiring.map((fd) => closeAsync(fd)));
    if (dirDirty) await syncDirectory(this.instanceDir);
  }

  private fdFor(file: string): number {
    if (this.fd !== null && file === this.file) return this.fd;
    if (this.fd !== null) this.retiring.push(this.fd);
    this.fd = null;
    // 'a': O_APPEND, so even a file written by an earlier run is only ever extended.
    this.fd = openSync(join(this.instanceDir, file), 'a', 0o600);
    this.file = file;
    this.dirDirty = true;
    return this.fd;
  }

  /** Grows the batch buffer (keeping its first `used` bytes) so that `more` bytes fit after them. */
  private reserve(used: number, more: number): void {
    if (this.batch.length - used >= more) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.batch.length * 2, used + more));
    this.batch.copy(bigger, 0, 0, used);
    this.batch = bigger;
  }

  private writeAll(fd: number, data: Buffer): void {
    let done = 0;
    while (done < data.length) done += writeSync(fd, data, done, data.length - done);
  }
}

/** Fsync a directory so that a newly created file's entry survives a power loss. */
export async function syncDirectory(dir: string): Promise<void> {
  const fd = await openAsync(dir, 'r');
  try {
    await fsyncAsync(fd);
  } finally {
    await closeAsync(fd);
  }
}
