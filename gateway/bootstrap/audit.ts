import { join } from 'node:path';
import { ALERT_EVENT, raiseAlert, type Alert } from '../alerts/alert.js';
import { ClockSkewMonitor } from '../alerts/clock-skew.js';
import { openAlertSinks } from '../alerts/sinks.js';
import { AlertWatcher } from '../alerts/watcher.js';
import { loadOrCreateSigningKey, openAuditLog } from '../audit/index.js';
import type { GatewayConfig } from '../config/types.js';
import type { AuditPort } from '../core/audit-port.js';
import type { SecurityEvent } from '../audit/security-events.js';
import type { Clock } from '../core/clock.js';
import { openSiemLogger } from '../siem/siem-logger.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.js';
import type { Stores } from '../stores/types.js';

/** Webhook deliveries still running at shutdown get this long; every alert is in the audit log anyway. */
const SINK_CLOSE_MS = 2_000;

/**
 * Opens the hash-chained audit log of this instance and adapts it to what the gateway calls, adding around it:
 * - checkpoints copied to the store (LOG-3), so a log cut together with its checkpoint file is still detected;
 * - the SIEM copy (pino transport: JSON-lines file and/or RFC 5424 syslog), when configured;
 * - the LOG-4 alert rules, which watch each event once it is durable, and delivery of alerts to the webhook and
 *   syslog (an alert is itself an audit event, see alerts/alert.ts);
 * - the trusted-time check against the store's clock (LOG-5).
 * Without `stores` (a port for tools) only the log and the SIEM copy are set up.
 */
export async function openGatewayAudit(
  config: GatewayConfig,
  clock: Clock,
  instanceId: string,
  stores?: Stores,
  metrics?: GatewayMetrics,
): Promise<AuditPort> {
  const warn = (what: string) => (err: unknown) => process.emitWarning(`hic: ${what}: ${String(err)}`);
  const keys = await loadOrCreateSigningKey(join(config.audit.dir, 'keys'));
  // Before the log is opened: a misconfigured export fails the start without leaving the instance locked.
  const siem = config.audit.siem ? openSiemLogger(config.audit.siem, instanceId, clock, warn('SIEM export')) : null;
  const published = stores?.auditCheckpoints;
  let resumed: unknown = null;
  const log = await openAuditLog({
    dir: config.audit.dir,
    instanceId,
    signingKey: keys.privateKey,
    clock,
    ...(published ? { onCheckpoint: (cp) => published.publish(instanceId, cp.jws, config.audit.publishedCheckpoints) } : {}),
    onResumed: (discarded) => {
      resumed = discarded;
    },
    ...(metrics ? { onSync: (seconds: number) => metrics.auditSynced(seconds) } : {}),
  });
  if (metrics) metrics.sources.auditQueueDepth = () => log.pending();
  const siemAccess = config.audit.siem?.include === 'all';
  const sinks = openAlertSinks(config.alerts, instanceId);
  const raise = (alert: Alert): void => void raiseAlert({ audit: port }, alert);
  const watcher = stores ? new AlertWatcher({ config: config.alerts, clock, stores, raise }) : null;

  /** After a security event is durable: copy it out, deliver it if it is an alert, else let the rules see it. */
  const written = (event: SecurityEvent): void => {
    metrics?.securityEvent(event.event, event.event === ALERT_EVENT ? event.type : undefined);
    siem?.write('security', event);
    if (event.event === ALERT_EVENT) sinks.send({ time: new Date(clock.now()).toISOString(), instance: instanceId, ...event });
    else watcher?.onSecurity(event);
  };
  const serverTime = stores?.serverTime?.bind(stores);
  const monitor = serverTime
    ? new ClockSkewMonitor({
        clock,
        serverTime,
        maxSkewMs: config.audit.maxClockSkewMs,
        intervalMs: config.audit.clockCheckSeconds * 1000,
        record: (event) => port.security({ ...event, reference: config.store.kind }),
        raise,
      })
    : null;

  const port: AuditPort = {
    access(record) {
      // Hot path: a queue push, and the rules' in-memory checks (a Set lookup, a per-minute cached clock test).
      log.access(record);
      if (siemAccess) siem?.write('access', record);
      watcher?.onAccess(record);
    },
    async security(event) {
      await log.security(event);
      written(event);
    },
    securityLater(event) {
      log.security(event).then(() => written(event), warn('audit write failed'));
    },
    async flush() {
      // Alerts that rules are still deciding on belong to what is flushed.
      await watcher?.idle();
      await log.flush();
    },
    async close() {
      monitor?.stop();
      await watcher?.idle();
      await log.close();
      await siem?.close();
      await Promise.race([sinks.close(), new Promise((resolve) => setTimeout(resolve, SINK_CLOSE_MS).unref())]);
    },
  };
  if (resumed)
    raise({
      type: 'audit-chain-resumed',
      summary: 'the audit log resumed after an unclean stop; a cut last line was set aside',
      discarded: resumed,
    });
  await monitor?.start();
  return port;
}
