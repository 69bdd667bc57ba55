import type { Clock } from '../core/clock.js';
import type { Alert } from './alert.js';

/** Sessions tracked at most (per instance); older windows are dropped beyond this (bounded memory). */
const MAX_TRACKED = 50_000;

interface Window {
  start: number;
  bytes: number;
  alerted: boolean;
}

export interface VolumeWho {
  user: string | null;
  project: string | null;
  terminal: string | null;
  address: string;
}

/**
 * LOG-4: the bytes one session moves through the gateway (requests and answers, WebSocket frames both ways) in
 * fixed windows. Data cannot leave as files, but it can leave through the screen: a session reading far more than
 * a person reads is the sign. One alert per session and window, per instance (a session normally stays on one
 * instance behind a load balancer; the figure is a lower bound otherwise). In memory, no store round trip.
 */
export class SessionVolume {
  private readonly windows = new Map<string, Window>();
  private readonly windowMs: number;

  constructor(
    private readonly limit: { bytes: number; windowSeconds: number },
    private readonly clock: Clock,
    private readonly raise: (alert: Alert) => void,
  ) {
    this.windowMs = limit.windowSeconds * 1000;
  }

  add(session: string, bytes: number, who: VolumeWho): void {
    const now = this.clock.now();
    let w = this.windows.get(session);
    if (w === undefined || now - w.start >= this.windowMs) {
      if (w === undefined && this.windows.size >= MAX_TRACKED) this.prune(now);
      w = { start: now, bytes: 0, alerted: false };
      this.windows.set(session, w);
    }
    w.bytes += bytes;
    if (!w.alerted && w.bytes >= this.limit.bytes) {
      w.alerted = true;
      this.raise({
        type: 'session-volume',
        summary: `session of ${String(who.user)} moved ${w.bytes} bytes within ${this.limit.windowSeconds} s (threshold ${this.limit.bytes})`,
        session,
        ...who,
        bytes: w.bytes,
        windowSeconds: this.limit.windowSeconds,
      });
    }
  }

  private prune(now: number): void {
    for (const [session, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(session);
    if (this.windows.size >= MAX_TRACKED) this.windows.clear();
  }
}
