import type { Socket } from 'node:net';

/** RFC 6455 7.4.1: 1001 "going away" — the server is going down. */
export const GOING_AWAY = 1001;
const REASON = Buffer.from('server shutting down');

/**
 * An unmasked close frame (RFC 6455 5.5.1; server-to-client frames are never masked): FIN + opcode 0x8, the
 * 2-byte status code, then the UTF-8 reason (< 124 bytes, so the one-byte length form).
 */
export function closeFrame(code: number, reason: Buffer = REASON): Buffer {
  const frame = Buffer.alloc(4 + reason.length);
  frame[0] = 0x88;
  frame[1] = 2 + reason.length;
  frame.writeUInt16BE(code, 2);
  reason.copy(frame, 4);
  return frame;
}

/**
 * Sends a spliced WebSocket's client a close frame and ends the TLS stream, so that the browser sees a clean
 * 1001 and reconnects elsewhere instead of an abnormal 1006. The splice (proxy/websocket.ts) pipes the workspace's
 * bytes into this socket; from here on they are dropped (the client is leaving), so nothing lands after the close
 * frame or after the end, where a write would error. The gateway does not parse frames: a workspace frame only
 * half forwarded at this instant would swallow the close frame (the client then sees a broken connection, as it
 * would without it). The caller destroys what is still open when its grace ends.
 */
export function sendGoingAway(socket: Socket): void {
  if (socket.destroyed || !socket.writable) return;
  const write = socket.write;
  socket.write = dropWrite as Socket['write'];
  write.call(socket, closeFrame(GOING_AWAY));
  socket.end();
}

/** Stands in for `write` once the close frame is out: says "written" so the upstream pipe never waits for a drain. */
function dropWrite(..._args: unknown[]): boolean {
  return true;
}
