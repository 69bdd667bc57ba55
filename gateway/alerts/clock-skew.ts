import type { Clock } from '../core/clock.js';
import type { Alert } from './alert.js';
import type { SecurityEventOf } from '../audit/security-events.js';

/** What the monitor needs: the instance clock, the reference clock, the limit, and where to report. */
export interface ClockSkewDeps {
  clock: Clock;
  /** The shared store's clock (Redis TIME): the one reference every instance compares with. */
  serverTime: () => Promise<number>;
  maxSkewMs: number;
  intervalMs: number;
  /** Records a (non-alert) security event: the measurement at start, the return within limits. */
  record: (event: SecurityEventOf<'clock-check'> | SecurityEventOf<'clock-skew-resolved'>) => Promise<void>;
  raise: (alert: Alert) => void;
  onError?: (err: unknown) => void;
}

/** One comparison of the instance clock with the reference. */
export interface SkewReading {
  /** Instance clock minus reference clock, ms (positive: this instance runs ahead). */
  skewMs: number;
  /** Round trip of the TIME call; half of it bounds the measurement error. */
  rttMs: number;
  /** Beyond `maxSkewMs` even allowing for the measurement error. */
  exceeded: boolean;
}

/**
 * Trusted time (LOG-5): audit times come from each instance's clock, so each instance compares that clock with
 * the store's at start (recorded as `clock-check`) and every `intervalMs`. Going over `maxSkewMs` raises a
 * 'clock-skew' alert once; coming back is recorded as `clock-skew-resolved`. Instances are thereby compared
 * with one another through the common reference. Uses the injected clock, so tests move it instead of waiting.
 */
export class ClockSkewMonitor {
  private timer: NodeJS.Timeout | null = null;
  private exceeded = false;
  private readonly onError: (err: unknown) => void;

  constructor(private readonly deps: ClockSkewDeps) {
    this.onError = deps.onError ?? ((err) => process.emitWarning(`hic: clock check: ${String(err)}`));
  }

  /** First check (recorded), then periodic ones on an unref'ed timer. A store that cannot answer is reported, not fatal. */
  async start(): Promise<void> {
    const reading = await this.measure().catch((err: unknown) => {
      this.onError(err);
      return null;
    });
    if (reading) {
      // The measurement first, then the alert it may cause: the log reads in cause-and-effect order.
      await this.deps.record({ event: 'clock-check', skewMs: reading.skewMs, rttMs: reading.rttMs, maxSkewMs: this.deps.maxSkewMs });
      await this.judge(reading);
    }
    this.timer = setInterval(() => void this.check().catch((err: unknown) => this.onError(err)), this.deps.intervalMs);
    this.timer.unref();
  }

  /** Compares the clocks once and alerts on a change of state. */
  async check(): Promise<SkewReading> {
    const reading = await this.measure();
    await this.judge(reading);
    return reading;
  }

  private async measure(): Promise<SkewReading> {
    const before = this.deps.clock.now();
    const reference = await this.deps.serverTime();
    const after = this.deps.clock.now();
    const rttMs = Math.max(0, after - before);
    const skewMs = Math.round((before + after) / 2 - reference);
    return { skewMs, rttMs, exceeded: Math.abs(skewMs) - rttMs / 2 > this.deps.maxSkewMs };
  }

  private async judge({ skewMs, rttMs, exceeded }: SkewReading): Promise<void> {
    if (exceeded && !this.exceeded) {
      this.deps.raise({
        type: 'clock-skew',
        summary: `instance clock is ${skewMs} ms off the store's clock (limit ${this.deps.maxSkewMs} ms)`,
        skewMs,
        rttMs,
        maxSkewMs: this.deps.maxSkewMs,
      });
    } else if (!exceeded && this.exceeded) {
      await this.deps.record({ event: 'clock-skew-resolved', skewMs, rttMs, maxSkewMs: this.deps.maxSkewMs });
    }
    this.exceeded = exceeded;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
