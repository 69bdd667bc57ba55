import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { accessRecord } from '../audit/access-record.js';
import { rawRefusal, refusalResponse, type Refused } from '../http/refusal.js';
import { newContext, runRequestPath, type Decision, type RequestContext } from '../request-path/index.js';
import { deny } from '../request-path/decision.js';
import type { Runtime } from '../runtime.js';
import { forwardQuery } from './forward-query.js';
import { upstreamHeaders } from './headers.js';
import { ClientFrameWatcher } from './ws-frames.js';

/**
 * WebSocket upgrades. The proxy plugins' own upgrade handlers bypass Fastify's route hooks, so upgrades are
 * taken here, from the server's 'upgrade' event, and go through the same request path as HTTP — judged as the GET
 * they become, on the canonical path, only to the profile's WebSocket endpoints — before the connection is spliced
 * to the project's upstream. Each spliced socket is registered under its session and user so that logout, expiry,
 * suspension and revocation close it at once; the client's data frames count as activity (SES-1).
 */
export function handleUpgrades(rt: Runtime, server: import('node:https').Server): void {
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrade(rt, req, socket, head).catch(() => {
      if (!socket.destroyed) refuse(socket, req, deny('workspace-unavailable') as Refused);
    });
  });
}

/** The same refusal as HTTP (gateway/http/refusal.ts), written on the raw socket. */
function refuse(socket: Duplex, req: IncomingMessage, decision: Refused): void {
  const lang = new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('lang') ?? undefined;
  socket.end(rawRefusal(refusalResponse(decision, { method: 'GET', url: req.url ?? '/', headers: req.headers, lang, upgrade: true })));
}

async function judge(rt: Runtime, req: IncomingMessage, ctx: RequestContext): Promise<Decision> {
  // RFC 6455 4.1: the opening handshake is a GET. Anything else would be judged as one method and sent as another.
  if (req.method !== 'GET') return deny('upgrade-method-invalid');
  if (ctx.target === 'invalid') return deny('path-invalid');
  // The gateway serves no WebSocket of its own.
  if (ctx.target === 'gateway') return deny('gateway-path-unknown');
  return runRequestPath(ctx, rt);
}

async function upgrade(rt: Runtime, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const started = rt.clock.now();
  const tls = req.socket as TLSSocket;
  const ctx = newContext(tls, 'GET', req.url ?? '/', req.headers, true);
  const record = (method: string, status: number, reason: string, bytesIn = 0, bytes = 0) =>
    rt.audit.access(
      accessRecord(ctx, {
        method,
        status,
        reason,
        bytesIn,
        bytes,
        durationMs: rt.clock.now() - started,
        fallbackAddress: tls.remoteAddress,
      }),
    );
  const decision = await judge(rt, req, ctx);
  if (!decision.allow) {
    record('WS', decision.status, decision.reason);
    refuse(socket, req, decision);
    return;
  }
  const session = ctx.session!;
  const project = ctx.project!;
  const query = forwardQuery(ctx.query);
  const target = new URL(project.upstream + ctx.path + (query === '' ? '' : `?${query}`));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstreamReq = send(target, { method: 'GET', headers: upstreamHeaders(req.headers, ctx, rt.origins) });
  upstreamReq.on('error', () => {
    if (socket.destroyed) return;
    const refusal = deny('workspace-unavailable') as Refused;
    record('WS', refusal.status, refusal.reason);
    refuse(socket, req, refusal);
  });
  upstreamReq.on('response', (res) => {
    // The workspace refused the upgrade. Its answer is never relayed: a non-101 body could be anything the route
    // serves (a file), and only a switch of protocols was judged.
    res.resume();
    const refusal = deny('workspace-refused-upgrade') as Refused;
    record('WS', res.statusCode ?? 502, refusal.reason);
    refuse(socket, req, refusal);
  });
  upstreamReq.on('upgrade', (res, upstreamSocket, upstreamHead) => {
    if (socket.destroyed) {
      upstreamSocket.destroy();
      return;
    }
    socket.write(`HTTP/1.1 101 Switching Protocols\r\n${rawHeaders(res.rawHeaders)}\r\n`);
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    const who = { user: session.user, project: session.project, terminal: ctx.fingerprint, address: ctx.address };
    let bytesIn = head.length;
    let bytesOut = upstreamHead.length;
    const frames = new ClientFrameWatcher(() => rt.sessions.socketActivity(session.id));
    if (head.length > 0) {
      frames.push(head);
      upstreamSocket.write(head);
    }
    // Observers beside the pipes: pipe() keeps the backpressure, these only count and watch.
    socket.on('data', (chunk: Buffer) => {
      bytesIn += chunk.length;
      frames.push(chunk);
      rt.volume.add(session.id, chunk.length, who);
    });
    upstreamSocket.on('data', (chunk: Buffer) => {
      bytesOut += chunk.length;
      rt.volume.add(session.id, chunk.length, who);
    });
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      socket.destroy();
      upstreamSocket.destroy();
      record('WS-CLOSE', 101, 'websocket-closed', bytesIn, bytesOut);
    };
    upstreamSocket.on('error', close).on('close', close);
    socket.on('close', close);
    // Net sockets only: the registry groups what must be cut when the session ends.
    rt.sessions.trackSocket(session, tls);
    rt.sessions.socketsByUser.add(session.user, tls);
    record('WS', 101, decision.reason);
  });
  upstreamReq.end();
}

function rawHeaders(raw: string[]): string {
  let out = '';
  for (let i = 0; i < raw.length; i += 2) out += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return out;
}
