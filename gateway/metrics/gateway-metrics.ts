import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RequestMetrics } from './request-metrics.js';

/** Security events that are login outcomes, and the `outcome` label each gets. */
const LOGIN_OUTCOMES: Record<string, string> = {
  'login-success': 'success',
  'login-failed': 'failed',
  'account-locked': 'locked',
};

/**
 * Live figures read at scrape time from the parts that own them (no bookkeeping on the hot path); each part
 * plugs its own in as it is made (the audit log before the runtime, the runtime after).
 */
export interface MetricSources {
  openWebSockets(): number;
  /** Sessions this instance holds in its cache (those it served within `session.cacheSeconds`). */
  cachedSessions(): number;
  auditQueueDepth(): number;
  storeUp(): boolean;
}

const none = () => 0;

/**
 * The gateway's Prometheus metrics (issue 14), one registry per gateway (tests run several in one process), read
 * at `/_hic/metrics`. Names follow Prometheus conventions: `_total` counters, base units (seconds).
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new RequestMetrics();
  private readonly logins: Counter<'outcome'>;
  private readonly alerts: Counter<'type'>;
  private readonly storeErrors: Counter;
  private readonly fsync: Histogram;
  readonly sources: MetricSources = { openWebSockets: none, cachedSessions: none, auditQueueDepth: none, storeUp: () => false };

  constructor() {
    for (const metric of this.requests.metrics()) this.registry.registerMetric(metric as never);
    const registers = [this.registry];
    this.logins = new Counter({
      name: 'hic_logins_total',
      help: 'Login attempts by outcome (success, failed, locked)',
      labelNames: ['outcome'],
      registers,
    });
    this.alerts = new Counter({ name: 'hic_alerts_total', help: 'Alerts raised (LOG-4), by type', labelNames: ['type'], registers });
    this.storeErrors = new Counter({ name: 'hic_store_errors_total', help: 'Errors reported by the store connection (Redis)', registers });
    this.fsync = new Histogram({
      name: 'hic_audit_fsync_seconds',
      help: 'Time the audit log waited for fsync (security events, flushes, checkpoints)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    });
    const self = this;
    const gauge = (name: string, help: string, read: (s: MetricSources) => number) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(self.sources));
        },
      });
    gauge('hic_websockets_open', 'WebSockets spliced to workspaces, open now', (s) => s.openWebSockets());
    gauge('hic_sessions_live', 'Sessions this instance holds (cached: used within session.cacheSeconds)', (s) => s.cachedSessions());
    gauge('hic_audit_queue_depth', 'Access records waiting to be written to the audit log', (s) => s.auditQueueDepth());
    gauge('hic_store_up', '1 while the store (Redis) is connected and ready', (s) => (s.storeUp() ? 1 : 0));
    collectDefaultMetrics({ register: this.registry, prefix: 'hic_' });
  }

  /** A security event became durable: count login outcomes and alerts. */
  securityEvent(event: string, alertType?: unknown): void {
    const outcome = LOGIN_OUTCOMES[event];
    if (outcome !== undefined) this.logins.inc({ outcome });
    else if (event === 'alert') this.alerts.inc({ type: typeof alertType === 'string' ? alertType : 'unknown' });
  }

  auditSynced(seconds: number): void {
    this.fsync.observe(seconds);
  }

  storeError(): void {
    this.storeErrors.inc();
  }

  /** Prometheus text exposition format 0.0.4. */
  async text(): Promise<string> {
    // prom-client 15 writes a not-a-number value as "Nan" (the event loop lag before its first sample); the format
    // spells it "NaN", and strict parsers refuse anything else.
    return (await this.registry.metrics()).replace(/ Nan$/gm, ' NaN');
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
