/**
 * Tamper-evident audit log (LOG-1..6): hash-chained JSON lines per gateway instance, rotated daily, with
 * Ed25519-signed checkpoints, and the verifier that checks them. This file is the public surface.
 *
 * Line format: one JSON object per line, `{"seq":n,"prev":"<hex sha-256 of line n-1>","time":"<ISO UTC ms>",
 * "instance":"...","kind":"access"|"security", ...record fields}`; seq 1 has `prev` = 64 zeros. Files:
 * `<dir>/<instance>/<YYYY-MM-DD>.jsonl` (UTC day of `time`), `<dir>/<instance>/checkpoints.jsonl` (one
 * `{"jws":"<compact JWS>"}` per line, payload `{instance, seq, hash, file, time, n, reason}`).
 *
 * Durability: security events are written and fsync'ed before `security()` resolves; access records are batched
 * in memory (<= 50 ms) and may be lost in a crash, never reordered. Resume after a crash: the chain continues
 * after the last complete line; a cut last line is truncated from the file and its bytes kept in a
 * `chain-resumed` security event, so the verifier reports it ('truncated') only until the instance restarts.
 */
export { openAuditLog } from './audit-log.js';
export { loadOrCreateSigningKey } from './signing-key.js';
export { verifyAuditDir } from './verify.js';
export type { VerifyOptions } from './verify.js';
export { readAuditLines } from './read.js';
export type { AuditLine, AuditLineFilter } from './read.js';
export type { AuditEnvelope, AuditLog, AuditOptions, Checkpoint, CheckpointReason, Finding, FindingKind, VerifyResult } from './types.js';
