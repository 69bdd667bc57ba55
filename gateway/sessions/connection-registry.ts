import type { Socket } from 'node:net';

/**
 * Open sockets grouped by a key (terminal fingerprint, session id or user), so that revocation, logout and
 * suspension can cut them at once (SES-3).
 */
export class SocketGroups {
  private readonly groups = new Map<string, Set<Socket>>();
  add(key: string, socket: Socket): void {
    let set = this.groups.get(key);
    if (!set) {
      set = new Set();
      this.groups.set(key, set);
    }
    if (set.has(socket)) return;
    set.add(socket);
    socket.once('close', () => {
      set!.delete(socket);
      if (set!.size === 0 && this.groups.get(key) === set) this.groups.delete(key);
    });
  }
  /** Destroys every socket under the key; returns how many were open. */
  destroy(key: string): number {
    const set = this.groups.get(key);
    if (!set) return 0;
    this.groups.delete(key);
    for (const socket of set) socket.destroy();
    return set.size;
  }
  /** Every socket of every group, once (shutdown tells each WebSocket client "going away"). */
  all(): Set<Socket> {
    const out = new Set<Socket>();
    for (const set of this.groups.values()) for (const socket of set) out.add(socket);
    return out;
  }
  count(key: string): number {
    return this.groups.get(key)?.size ?? 0;
  }
}
