import type { KeyObject } from 'node:crypto';
import type { CryptoKey } from 'jose';
import type { Clock } from '../core/clock.js';

/**
 * Options of {@link openAuditLog}. Validated once at open; every problem is collected into one
 * `CONFIG_INVALID` error naming the key.
 */
export interface AuditOptions {
  /** Audit directory. Created with mode 0700 (LOG-3: access to the logs is restricted). */
  dir: string;
  /**
   * One hash chain per gateway instance (process). Lines go to `<dir>/<instanceId>/<YYYY-MM-DD>.jsonl` by the UTC
   * date of their `time`, a new file each day; files are never deleted (LOG-2 retention is the operator's).
   * Must be unique per live process (e.g. `${hostname}-${workerId}`); letters, digits, `.`, `_`, `-`, at most 64.
   */
  instanceId: string;
  /** Ed25519 private key that signs checkpoints; see {@link loadOrCreateSigningKey}. Required. */
  signingKey: CryptoKey | KeyObject;
  /** Source of every `time` field (LOG-5: trusted clock). Defaults to the system clock. */
  clock?: Clock;
  /**
   * A checkpoint is signed when a write finds this many ms (by `clock`) passed since the last one; a real-time
   * timer of the same period covers a quiet instance. Default 10 000.
   */
  checkpointEveryMs?: number;
  /** ...or once this many lines were written since the last one. Default 10 000. */
  checkpointEveryLines?: number;
  /**
   * Bound on access records waiting in memory. Default 10 000. When the queue is full, `access()` applies
   * backpressure by writing the whole queue synchronously in the caller's turn: records are never dropped, the
   * caller pays the write instead.
   */
  maxPendingAccessRecords?: number;
  /**
   * Called after each checkpoint is durable on disk. The gateway publishes checkpoints elsewhere (Redis) through
   * this, so that cutting both the log and `checkpoints.jsonl` stays detectable. Errors go to `onError`.
   */
  onCheckpoint?: (cp: Checkpoint) => void | Promise<void>;
  /** Called with the seconds each fsync of the chain took (metrics: `hic_audit_fsync_seconds`). */
  onSync?: (seconds: number) => void;
  /**
   * Called once at open when the chain resumed after an unclean stop and a cut last line was discarded (it is
   * kept in the `chain-resumed` security event): the gateway raises an alert on it (LOG-3, LOG-4).
   */
  onResumed?: (discarded: readonly { file: string; offset: number; bytes: number; sha256: string }[]) => void;
  /**
   * Told about failures that have no caller to reject: a batch write from the timer, a checkpoint, `onCheckpoint`.
   * After a write failure the log is failed: `access()` throws and `security()` rejects (fail closed, LOG-1).
   * Default: `process.emitWarning`.
   */
  onError?: (err: unknown) => void;
}

/** The writer of one instance's chain. One writer orders access and security lines exactly. */
export interface AuditLog {
  /**
   * Per-request access record: queued, written asynchronously in batches (about every 50 ms or at 512 pending),
   * so the hot path never waits on disk. Never drops a record: when `maxPendingAccessRecords` are pending, this
   * call writes the queue synchronously (backpressure). Throws `STORE_UNAVAILABLE` once the log is closed or failed.
   */
  access(record: Record<string, unknown>): void;
  /**
   * Security event (login, lockout, staff action, certificate operation...): written AND fsync'ed before the
   * promise resolves, together with every access record queued before it (group commit).
   */
  security(event: Record<string, unknown> & { event: string }): Promise<void>;
  /** Write queued access records, fsync, and wait for due checkpoints; used on graceful shutdown and in tests. */
  flush(): Promise<void>;
  /** Flush, sign a final `close` checkpoint, close the files and release the instance. */
  close(): Promise<void>;
  /** Access records queued in memory, not yet written (metrics: `hic_audit_queue_depth`). */
  pending(): number;
}

/** Why a checkpoint was signed. A `close` checkpoint says no line follows it unless the instance reopens. */
export type CheckpointReason = 'interval' | 'open' | 'close';

/**
 * The signed payload of a checkpoint plus its compact JWS. `n` counts checkpoints of the instance (1, 2, ...,
 * continuing across restarts) so that a deleted or replayed checkpoint line is visible.
 */
export interface Checkpoint {
  instance: string;
  /** Seq of the attested line. */
  seq: number;
  /** Hex SHA-256 of the attested line's exact bytes. */
  hash: string;
  /** Day file that holds the line, relative to the instance directory (`YYYY-MM-DD.jsonl`). */
  file: string;
  /** ISO 8601 UTC time of signing, from the log's clock. */
  time: string;
  n: number;
  reason: CheckpointReason;
  /** Compact JWS (EdDSA) over the other fields. */
  jws: string;
}

/** Kinds of finding; `gap` is a seq gap at a file boundary (a whole day file may be gone). */
export type FindingKind = 'altered' | 'deleted' | 'inserted' | 'reordered' | 'truncated' | 'bad-checkpoint' | 'unparsable' | 'gap';

/**
 * One problem found by {@link verifyAuditDir}. `file` is relative to the audit dir (`<instance>/<name>`); `line`
 * is 1-based, 0 when the finding is about the file as a whole (e.g. a missing file).
 */
export interface Finding {
  file: string;
  line: number;
  kind: FindingKind;
  detail: string;
}

/** Result of {@link verifyAuditDir}: `ok` exactly when there is no finding. */
export interface VerifyResult {
  ok: boolean;
  /** Day files read. */
  files: number;
  /** Lines read from day files. */
  lines: number;
  findings: Finding[];
}

/** The envelope every audit line starts with, followed by the record's own fields. */
export interface AuditEnvelope {
  seq: number;
  prev: string;
  time: string;
  instance: string;
  kind: 'access' | 'security';
  [field: string]: unknown;
}
