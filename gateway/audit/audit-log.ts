import { KeyObject } from 'node:crypto';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import { HicError } from '../core/errors.js';
import { ChainWriter, syncDirectory, type PendingLine } from './chain-writer.js';
import { Checkpointer } from './checkpointer.js';
import { lockInstance } from './instance-lock.js';
import { INSTANCE_ID, encodeBody } from './line-format.js';
import { recoverChain, recoverCheckpointCount, type ChainTip } from './resume.js';
import type { AuditLog, AuditOptions } from './types.js';

/** Access records wait at most this long (real time) before their batch is written. */
const BATCH_DELAY_MS = 50;
/** ...or until this many are pending; the write then happens on the next turn of the event loop. */
const BATCH_LINES = 512;

const DEFAULTS = { checkpointEveryMs: 10_000, checkpointEveryLines: 10_000, maxPendingAccessRecords: 10_000 };

/**
 * Opens (or resumes) the chain of `opts.instanceId` under `opts.dir` (LOG-1, LOG-3). On resume the chain continues
 * after the last complete line of the newest day file; bytes of a line cut by a crash are truncated and recorded
 * in a `chain-resumed` security event. An `open` checkpoint re-attests the tip, so lines after a `close`
 * checkpoint are legitimate only when an instance really reopened.
 */
export async function openAuditLog(opts: AuditOptions): Promise<AuditLog> {
  const cfg = validate(opts);
  // mkdir's mode is masked by umask: set it on what we create (LOG-3). An existing audit dir (perhaps a mounted
  // volume) is left as the operator made it; the instance directory is ours and always 0700.
  if ((await mkdir(opts.dir, { recursive: true, mode: 0o700 })) !== undefined) await chmod(opts.dir, 0o700);
  const instanceDir = join(opts.dir, opts.instanceId);
  await mkdir(instanceDir, { recursive: true, mode: 0o700 });
  await chmod(instanceDir, 0o700);
  const release = await lockInstance(instanceDir);
  let log: FileAuditLog | undefined;
  try {
    const { tip, discarded } = await recoverChain(instanceDir);
    const lastN = await recoverCheckpointCount(instanceDir);
    await syncDirectory(instanceDir); // the checkpoint file may just have been created
    log = new FileAuditLog(opts, cfg, instanceDir, tip, lastN, release);
    await log.start(discarded.length > 0 ? { event: 'chain-resumed', discarded } : null);
    if (discarded.length > 0) opts.onResumed?.(discarded);
    return log;
  } catch (err) {
    // close() releases the lock too.
    await (log ? log.close().catch(() => undefined) : release());
    throw err;
  }
}

type Settings = typeof DEFAULTS;

function validate(opts: AuditOptions): Settings {
  const errors: string[] = [];
  if (typeof opts.dir !== 'string' || opts.dir === '') errors.push('dir: required');
  if (typeof opts.instanceId !== 'string' || !INSTANCE_ID.test(opts.instanceId)) {
    errors.push('instanceId: 1-64 of A-Z a-z 0-9 . _ - (not "." or "..")');
  }
  if (!isEd25519PrivateKey(opts.signingKey)) {
    errors.push('signingKey: an Ed25519 private key is required (see loadOrCreateSigningKey)');
  }
  const cfg = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof Settings)[]) {
    const value = opts[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) errors.push(`${key}: a positive integer`);
    else cfg[key] = value;
  }
  if (errors.length > 0) throw new HicError('CONFIG_INVALID', `audit: ${errors.join('; ')}`);
  return cfg;
}

/** Checked at open: a wrong key would otherwise only surface as every checkpoint failing later. */
function isEd25519PrivateKey(key: unknown): boolean {
  if (key instanceof KeyObject) return key.type === 'private' && key.asymmetricKeyType === 'ed25519';
  const k = key as { type?: unknown; algorithm?: { name?: unknown } } | null | undefined;
  return k?.type === 'private' && k.algorithm?.name === 'Ed25519';
}

class FileAuditLog implements AuditLog {
  private readonly clock: Clock;
  private readonly writer: ChainWriter;
  private readonly checkpointer: Checkpointer;
  private readonly onError: (err: unknown) => void;
  private readonly onSync: ((seconds: number) => void) | undefined;
  private queue: PendingLine[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private readonly interval: NodeJS.Timeout;
  private failure: unknown = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private linesSinceCheckpoint = 0;
  private lastCheckpointAt: number;
  private checkpointedSeq: number;
  private isoMs = Number.NaN;
  private iso = '';

  constructor(
    opts: AuditOptions,
    private readonly cfg: Settings,
    instanceDir: string,
    tip: ChainTip | null,
    lastN: number,
    private readonly release: () => Promise<void>,
  ) {
    this.clock = opts.clock ?? systemClock;
    this.onError = opts.onError ?? ((err) => process.emitWarning(`audit log: ${String(err)}`));
    this.onSync = opts.onSync;
    this.writer = new ChainWriter(instanceDir, JSON.stringify(opts.instanceId), tip);
    this.checkpointer = new Checkpointer({
      instanceDir,
      instance: opts.instanceId,
      signingKey: opts.signingKey,
      lastN,
      syncChain: () => this.timedSync(),
      onCheckpoint: opts.onCheckpoint,
      onError: this.onError,
    });
    this.lastCheckpointAt = this.clock.now();
    this.checkpointedSeq = tip?.seq ?? 0;
    // Real-time backstop so a quiet instance still gets its last lines attested; unref: never keeps Node alive.
    this.interval = setInterval(() => this.tick(), cfg.checkpointEveryMs).unref();
  }

  /** Re-attests the recovered tip and records a discarded partial line, before the log is handed out. */
  async start(resumed: { event: string; discarded: unknown } | null): Promise<void> {
    const tip = this.writer.tip;
    if (tip) await this.checkpointer.request(tip, this.isoNow(), 'open');
    if (resumed) await this.security(resumed);
  }

  access(record: Record<string, unknown>): void {
    this.assertUsable();
    this.queue.push({ kind: 'access', time: this.isoNow(), body: encodeBody(record) });
    if (this.queue.length >= this.cfg.maxPendingAccessRecords) {
      // Backpressure: write now, in the caller's turn, rather than grow without bound or drop.
      this.writeQueued();
      if (this.failure) throw this.unavailable();
    } else if (this.queue.length >= BATCH_LINES) {
      this.immediate ??= setImmediate(() => this.writeQueued());
    } else {
      this.timer ??= setTimeout(() => this.writeQueued(), BATCH_DELAY_MS);
    }
  }

  async security(event: Record<string, unknown> & { event: string }): Promise<void> {
    this.assertUsable();
    if (typeof event.event !== 'string' || event.event === '') {
      throw new HicError('BAD_REQUEST', 'a security event needs a non-empty `event` name');
    }
    this.queue.push({ kind: 'security', time: this.isoNow(), body: encodeBody(event) });
    // Written in this turn, behind every access record queued before it: the chain order is the call order.
    await this.writeAndSync();
  }

  pending(): number {
    return this.queue.length;
  }

  /** fsync of the chain, timed for whoever watches (metrics); one clock read either side, no allocation. */
  private async timedSync(): Promise<void> {
    if (!this.onSync) return this.writer.sync();
    const started = performance.now();
    await this.writer.sync();
    this.onSync((performance.now() - started) / 1000);
  }

  async flush(): Promise<void> {
    this.assertUsable();
    await this.flushInternal();
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    // Refuse new lines from here on: one logged during the final flush would miss the close checkpoint.
    this.closed = true;
    clearInterval(this.interval);
    try {
      if (!this.failure) {
        await this.flushInternal();
        const tip = this.writer.tip;
        if (tip) await this.checkpointer.request(tip, this.isoNow(), 'close');
      }
    } finally {
      await this.checkpointer.idle();
      await this.writer.close().catch((err: unknown) => this.onError(err));
      await this.release();
    }
  }

  private async flushInternal(): Promise<void> {
    await this.writeAndSync();
    await this.checkpointer.idle();
  }

  /** Writes everything queued and waits for fsync; a failure fails the log for good (fail closed, LOG-1). */
  private async writeAndSync(): Promise<void> {
    this.writeQueued();
    if (this.failure) throw this.unavailable();
    try {
      await this.timedSync();
    } catch (err) {
      this.fail(err);
      throw this.unavailable();
    }
  }

  /** Writes every queued line in one batch; on failure the log is failed (fail closed, see AuditOptions.onError). */
  private writeQueued(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.queue.length === 0 || this.failure) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.writer.append(batch);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.linesSinceCheckpoint += batch.length;
    if (
      this.linesSinceCheckpoint >= this.cfg.checkpointEveryLines ||
      this.clock.now() - this.lastCheckpointAt >= this.cfg.checkpointEveryMs
    ) {
      this.checkpoint();
    }
  }

  private tick(): void {
    if (this.closed || this.failure) return;
    this.writeQueued();
    if ((this.writer.tip?.seq ?? 0) > this.checkpointedSeq) this.checkpoint();
  }

  private checkpoint(): void {
    const tip = this.writer.tip;
    if (!tip) return;
    this.linesSinceCheckpoint = 0;
    this.lastCheckpointAt = this.clock.now();
    this.checkpointedSeq = tip.seq;
    void this.checkpointer.request(tip, new Date(this.lastCheckpointAt).toISOString(), 'interval');
  }

  private fail(err: unknown): void {
    if (this.failure) return;
    this.failure = err;
    this.queue = [];
    this.onError(err);
  }

  private assertUsable(): void {
    if (this.closed || this.failure) throw this.unavailable();
  }

  private unavailable(): HicError {
    return new HicError('STORE_UNAVAILABLE', this.closed ? 'audit log is closed' : 'audit log failed', {
      cause: this.failure ?? undefined,
    });
  }

  /** Per-line clock reading; consecutive lines in the same millisecond share one Date/ISO conversion. */
  private isoNow(): string {
    const ms = this.clock.now();
    if (ms !== this.isoMs) {
      this.isoMs = ms;
      this.iso = new Date(ms).toISOString();
    }
    return this.iso;
  }
}
