/**
 * Requests by decision and reason, and their duration: counted on every response, so written for the hot path —
 * a Map lookup and a few additions, no allocation once a reason has been seen (prom-client's own Histogram
 * allocates a closure and a label object per observation). Exposed to prom-client's registry as two metric
 * objects ({@link RequestMetrics.metrics}) that are turned into text only when `/_hic/metrics` is read.
 */

/** Upper bounds (seconds) of the duration histogram: the path's own cost is well under 1 ms; workspaces vary. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

interface ReasonCount {
  allow: number;
  deny: number;
}

/** What prom-client's registry reads from a metric: `get()` gives its name, help, type and values. */
export interface CollectedMetric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: Array<{ value: number; labels?: Record<string, string | number>; metricName?: string }>;
  aggregator: 'sum';
}

export interface RegistrableMetric {
  name: string;
  get(): Promise<CollectedMetric>;
  reset(): void;
}

export class RequestMetrics {
  private readonly byReason = new Map<string, ReasonCount>();
  private readonly buckets = new Float64Array(DURATION_BUCKETS.length);
  private count = 0;
  private sum = 0;

  /** One finished request: its decision, its reason (request-path/decision.ts) and its duration in ms. */
  observe(allow: boolean, reason: string, durationMs: number): void {
    let counts = this.byReason.get(reason);
    if (counts === undefined) {
      counts = { allow: 0, deny: 0 };
      this.byReason.set(reason, counts);
    }
    if (allow) counts.allow += 1;
    else counts.deny += 1;
    const seconds = durationMs / 1000;
    this.count += 1;
    this.sum += seconds;
    // Cumulative buckets are built at scrape time; here only the first bucket that holds the value is bumped.
    for (let i = 0; i < DURATION_BUCKETS.length; i++) {
      if (seconds <= DURATION_BUCKETS[i]!) {
        this.buckets[i]! += 1;
        break;
      }
    }
  }

  /** The two metrics for prom-client's registry: `hic_requests_total` and `hic_request_duration_seconds`. */
  metrics(): RegistrableMetric[] {
    const requests: RegistrableMetric = {
      name: 'hic_requests_total',
      reset: () => this.byReason.clear(),
      get: async () => {
        const values: CollectedMetric['values'] = [];
        for (const [reason, c] of this.byReason) {
          if (c.allow > 0) values.push({ value: c.allow, labels: { decision: 'allow', reason } });
          if (c.deny > 0) values.push({ value: c.deny, labels: { decision: 'deny', reason } });
        }
        return {
          name: 'hic_requests_total',
          help: 'HTTP requests answered, by the request path decision and its reason',
          type: 'counter',
          values,
          aggregator: 'sum',
        };
      },
    };
    const duration: RegistrableMetric = {
      name: 'hic_request_duration_seconds',
      reset: () => {
        this.buckets.fill(0);
        this.count = 0;
        this.sum = 0;
      },
      get: async () => {
        const values: CollectedMetric['values'] = [];
        let cumulative = 0;
        DURATION_BUCKETS.forEach((le, i) => {
          cumulative += this.buckets[i]!;
          values.push({ metricName: 'hic_request_duration_seconds_bucket', labels: { le }, value: cumulative });
        });
        values.push({ metricName: 'hic_request_duration_seconds_bucket', labels: { le: '+Inf' }, value: this.count });
        values.push({ metricName: 'hic_request_duration_seconds_sum', value: this.sum });
        values.push({ metricName: 'hic_request_duration_seconds_count', value: this.count });
        return {
          name: 'hic_request_duration_seconds',
          help: 'Time from request to response sent, seconds',
          type: 'histogram',
          values,
          aggregator: 'sum',
        };
      },
    };
    return [requests, duration];
  }
}
