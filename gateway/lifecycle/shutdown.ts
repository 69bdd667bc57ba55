import type { Server } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { ConnectionTracker } from './connection-tracker.js';
import { drainServer, type DrainResult } from './drain.js';

/** Of the shutdown timeout, at most this much is kept back from the drain for the audit flush and the store. */
const FLUSH_RESERVE_MS = 2_000;

export interface ShutdownReport extends DrainResult {
  /** Whole shutdown, from the call to the store closed. */
  totalMs: number;
}

export interface ShutdownParts {
  app: FastifyInstance;
  rt: Runtime;
  tracker: ConnectionTracker;
  /** Closes the store when the gateway opened it (tests may share one between gateways). */
  closeStores: (() => Promise<void>) | null;
}

/**
 * Graceful shutdown (issue 14), in the order that loses nothing: readiness turns 503 (a load balancer stops
 * sending), the server drains (no new connections, in-flight requests finish, WebSockets get 1001), then the audit
 * log is flushed, fsync'ed and closed with a signed `close` checkpoint (every request answered is on disk), then
 * the store. The drain gets `timeoutMs` minus a reserve for the flush; the caller bounds the whole (cmd-start.ts).
 */
export async function shutdownGateway(parts: ShutdownParts, timeoutMs: number): Promise<ShutdownReport> {
  const { app, rt, tracker } = parts;
  const started = Date.now();
  rt.draining = true;
  const reserve = Math.min(FLUSH_RESERVE_MS, Math.floor(timeoutMs / 4));
  const websockets = rt.sessions.socketsBySession.all();
  const drain = await drainServer(app.server as unknown as Server, tracker, websockets, started + timeoutMs - reserve);
  await app.close();
  rt.sessions.close();
  await rt.audit.close();
  await parts.closeStores?.();
  return { ...drain, totalMs: Date.now() - started };
}
