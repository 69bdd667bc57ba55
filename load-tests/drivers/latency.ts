/**
 * Every response time of a measurement, kept exactly (a Float64Array grows by doubling; a 30 s run at 30 k req/s
 * is 7 MB). autocannon's own histogram has a 1 ms floor, too coarse to judge a 1 ms budget at p99.
 */
export class LatencyRecorder {
  private data = new Float64Array(1 << 16);
  private n = 0;

  /** @param ms one response time in milliseconds (fractional). */
  record(ms: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
  }

  get count(): number {
    return this.n;
  }

  /** p50, p99, p99.9 and max in milliseconds (nearest-rank); zeros when nothing was recorded. */
  summary(): { p50: number; p99: number; p999: number; max: number } {
    if (this.n === 0) return { p50: 0, p99: 0, p999: 0, max: 0 };
    const sorted = this.data.slice(0, this.n).sort();
    const at = (q: number) => sorted[Math.min(this.n - 1, Math.max(0, Math.ceil(q * this.n) - 1))]!;
    return { p50: at(0.5), p99: at(0.99), p999: at(0.999), max: sorted[this.n - 1]! };
  }
}

/** One measured row: a target under one scenario. Latencies in ms, throughput in responses per second. */
export interface LoadResult {
  target: string;
  /** Responses received (any status). */
  responses: number;
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses that were not 2xx (or, for WebSockets, echoes that did not match). */
  non2xx: number;
  durationS: number;
  /** CPU time the target process spent per response, in µs (Linux, child-process targets only). */
  cpuUsPerReq?: number;
}

/** Builds a row from a recorder and counters. */
export function toResult(
  target: string,
  rec: LatencyRecorder,
  counters: { errors: number; non2xx: number; durationS: number },
): LoadResult {
  const s = rec.summary();
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    target,
    responses: rec.count,
    rps: Math.round(rec.count / Math.max(counters.durationS, 0.001)),
    p50: round(s.p50),
    p99: round(s.p99),
    p999: round(s.p999),
    max: round(s.max),
    errors: counters.errors,
    non2xx: counters.non2xx,
    durationS: round(counters.durationS),
  };
}
