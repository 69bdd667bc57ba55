import type { Socket } from 'node:net';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';

/**
 * The gateway server's open connections, kept so that shutdown can finish what is in flight and then cut the rest.
 * Node's own `closeAllConnections()` knows only HTTP connections: a TCP connection still in its TLS handshake (a load
 * balancer's TCP probe, a stalled client) and an upgraded WebSocket are invisible to it, yet `server.close()` waits
 * for them — found: a gateway kept running after SIGTERM while one such connection was open. One Set insertion per
 * connection; nothing per request.
 */
export class ConnectionTracker {
  /** Every accepted TCP connection, from accept to close (the TLS socket's transport). */
  readonly raw = new Set<Socket>();
  /** Every connection that completed its TLS handshake: HTTP keep-alive connections and upgraded WebSockets. */
  readonly secure = new Set<TLSSocket>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => track(this.raw, socket));
    server.on('secureConnection', (socket: TLSSocket) => track(this.secure, socket));
  }

  /** Destroys every connection still open (the end of a drain, or its deadline). Returns how many there were. */
  destroyAll(): number {
    const n = this.raw.size;
    for (const socket of this.secure) socket.destroy();
    for (const socket of this.raw) socket.destroy();
    return n;
  }
}

function track<S extends Socket>(set: Set<S>, socket: S): void {
  set.add(socket);
  socket.once('close', () => set.delete(socket));
}
