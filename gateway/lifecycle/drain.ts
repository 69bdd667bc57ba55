import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { Socket } from 'node:net';
import type { ConnectionTracker } from './connection-tracker.js';
import { sendGoingAway } from './websocket-close.js';

/** How often idle keep-alive connections are closed while requests finish: a response that ends is cut from its
 * connection within this long, and a busy connection is not polled hard. */
const SWEEP_MS = 25;
/** Clients get this long to answer the 1001 close frame before their WebSocket is cut. */
const WEBSOCKET_GRACE_MS = 1_000;

export interface DrainResult {
  /** True when every request finished before the deadline; false when connections had to be cut. */
  drained: boolean;
  /** WebSockets sent a 1001 close frame. */
  websockets: number;
  /** Connections destroyed at the end (still in a TLS handshake, WebSockets that did not answer, or cut at the deadline). */
  cut: number;
  ms: number;
}

/**
 * Drains the gateway's HTTPS server (graceful shutdown, issue 14):
 * 1. stops accepting connections (`server.close()`, which also closes the idle keep-alive ones);
 * 2. tells every WebSocket client "going away" (1001) and ends its stream;
 * 3. lets in-flight requests finish: each response sent from here on carries `Connection: close`, and idle
 *    keep-alive connections are closed every {@link SWEEP_MS} (a response that finishes leaves its connection idle);
 * 4. once no HTTP connection is left (or at `deadline`), destroys what remains: connections still in their TLS
 *    handshake hold no request, and WebSockets had their grace.
 * Resolves when the server has closed.
 */
export async function drainServer(
  server: Server,
  tracker: ConnectionTracker,
  websockets: Iterable<Socket>,
  deadline: number,
  now: () => number = Date.now,
): Promise<DrainResult> {
  const started = now();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const closeAfterResponse = (_req: IncomingMessage, res: ServerResponse) => res.setHeader('connection', 'close');
  server.on('request', closeAfterResponse);
  let sent = 0;
  for (const socket of websockets) {
    sendGoingAway(socket);
    sent += 1;
  }
  const graceEnds = started + WEBSOCKET_GRACE_MS;
  let cut = 0;
  let drained = true;
  const sweep = setInterval(() => {
    server.closeIdleConnections();
    const t = now();
    if (t >= deadline) {
      drained = false;
      server.closeAllConnections();
      cut += tracker.destroyAll();
    } else if (httpConnections(tracker) === 0 && (tracker.secure.size === 0 || t >= graceEnds)) {
      cut += tracker.destroyAll();
    }
  }, SWEEP_MS);
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    server.off('request', closeAfterResponse);
  }
  return { drained, websockets: sent, cut, ms: now() - started };
}

/** TLS connections still speaking HTTP (an upgraded WebSocket's socket is no longer an HTTP connection). */
function httpConnections(tracker: ConnectionTracker): number {
  let n = 0;
  for (const socket of tracker.secure) if (!isUpgraded(socket)) n += 1;
  return n;
}

/** Node detaches the HTTP parser from a socket it hands to an 'upgrade' listener. */
function isUpgraded(socket: Socket): boolean {
  return (socket as Socket & { parser?: unknown }).parser == null;
}
