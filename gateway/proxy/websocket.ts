import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { newContext, runRequestPath } from '../request-path/index.js';
import type { Runtime } from '../runtime.js';
import { upstreamHeaders } from './headers.js';

const REASON_PHRASE: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 502: 'Bad Gateway', 503: 'Service Unavailable' };

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: status === 401 ? 'NOT_AUTHENTICATED' : status === 503 ? 'STORE_UNAVAILABLE' : 'FORBIDDEN' });
  socket.end(
    `HTTP/1.1 ${status} ${REASON_PHRASE[status] ?? 'Error'}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
      `x-hic-reason: ${reason}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Same-origin check: a cross-site page must not open a WebSocket with the user's cookie (CSWSH). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `https://${req.headers.host}`;
}

/**
 * WebSocket upgrades. The proxy plugins' own upgrade handlers bypass Fastify's route hooks, so upgrades are
 * taken here, from the server's 'upgrade' event, and go through the same request path as HTTP before the
 * connection is spliced to the project's upstream. Each spliced socket is registered under its session and user
 * so that logout, idle expiry, suspension and revocation close it at once.
 */
export function handleUpgrades(rt: Runtime, server: import('node:https').Server): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrade(rt, req, socket, head).catch(() => {
      if (!socket.destroyed) refuse(socket, 502, 'upgrade-failed');
    });
  });
}

async function upgrade(rt: Runtime, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const started = rt.clock.now();
  const ctx = newContext(req.socket as TLSSocket, req.method ?? 'GET', req.url ?? '/', req.headers);
  let decision = await runRequestPath(ctx, rt);
  if (decision.allow && !sameOrigin(req)) decision = { allow: false, reason: 'origin-mismatch', status: 403 };
  const record = (status: number, reason: string) =>
    rt.audit.access({
      user: ctx.session?.user ?? null,
      session: ctx.session?.id ?? null,
      project: ctx.session?.project ?? null,
      terminal: ctx.fingerprint,
      address: ctx.address || req.socket.remoteAddress,
      method: 'WS',
      path: ctx.path,
      status,
      bytes: 0,
      durationMs: rt.clock.now() - started,
      reason,
    });
  if (!decision.allow) {
    record(decision.status, decision.reason);
    refuse(socket, decision.status, decision.reason);
    return;
  }
  const session = ctx.session!;
  const target = new URL(ctx.project!.upstream + (req.url ?? '/'));
  const headers = upstreamHeaders(req.headers, ctx);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstreamReq = send(target, { method: 'GET', headers });
  upstreamReq.on('error', () => {
    record(502, 'upstream-unavailable');
    if (!socket.destroyed) refuse(socket, 502, 'upstream-unavailable');
  });
  upstreamReq.on('response', (res) => {
    // The workspace refused the upgrade: pass its answer on.
    record(res.statusCode ?? 502, 'upstream-refused-upgrade');
    socket.write(`HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n${rawHeaders(res.rawHeaders)}\r\n`);
    res.pipe(socket);
  });
  upstreamReq.on('upgrade', (res, upstreamSocket, upstreamHead) => {
    if (socket.destroyed) {
      upstreamSocket.destroy();
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\n${rawHeaders(res.rawHeaders)}\r\n`);
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
    const close = () => {
      socket.destroy();
      upstreamSocket.destroy();
    };
    upstreamSocket.on('error', close).on('close', close);
    socket.on('close', close);
    // Net sockets only: the registry groups what must be cut when the session ends.
    rt.sessions.socketsBySession.add(session.id, req.socket);
    rt.sessions.socketsByUser.add(session.user, req.socket);
    record(101, decision.reason);
  });
  upstreamReq.end();
}

function rawHeaders(raw: string[]): string {
  let out = '';
  for (let i = 0; i < raw.length; i += 2) out += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return out;
}
