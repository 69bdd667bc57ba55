/**
 * Tamper-evident audit log (LOG-1..6): hash-chained JSON lines per gateway instance, rotated daily, with
 * Ed25519-signed checkpoints, and the verifier that checks them. This file is the public surface.
 *
 * Line format: one JSON object per line, `{"seq":n,"prev":"<hex sha-256 of line n-1>","time":"<ISO UTC ms>",
 * "instance":"...","kind":"access"|"security", ...record fields}`; seq 1 has `prev` = 64 zeros.
 */
export { openAuditLog } from './audit-log.js';
export { loadOrCreateSigningKey } from './signing-key.js';
export { verifyAuditDir } from './verify.js';
export { readAuditLines } from './read.js';
export type { AuditLine, AuditLineFilter } from './read.js';
export type {
  AuditEnvelope,
  AuditLog,
  AuditOptions,
  Checkpoint,
  CheckpointReason,
  Finding,
  FindingKind,
  VerifyResult,
} from './types.js';
