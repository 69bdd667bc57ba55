import type { TlsFiles } from '../pki.js';

/** The four servers a run compares, plus the upstream they all forward to. */
export type TargetKind = 'upstream' | 'bare' | 'gateway' | 'express';

/** What a target needs to start: serialisable, because targets usually start in a child process. */
export type TargetSpec =
  | { kind: 'upstream' }
  | { kind: 'bare'; upstream: string; tls: TlsFiles }
  | { kind: 'gateway'; upstream: string; tls: TlsFiles; redisUrl: string; prefix: string; stateDir: string }
  | { kind: 'express'; upstream: string; tls: TlsFiles; redisUrl: string; prefix: string };

/** A started target, as its owner sees it. `skipped` explains why a target could not start (missing packages). */
export type TargetStart = { ok: true; url: string } | { ok: false; skipped: string };

/** A running server inside the current process. */
export interface RunningTarget {
  url: string;
  close(): Promise<void>;
}

/**
 * Undici pool settings shared by the bare proxy and the gateway, so the comparison measures the request path and
 * not a different connection pool (the gateway's own settings, gateway/proxy/http.ts).
 */
export const UNDICI_POOL = { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 } as const;
