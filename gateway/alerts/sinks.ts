import { hostname } from 'node:os';
import type { AlertsConfig } from '../config/types.js';
import { auditRecordToSyslog } from '../siem/audit-syslog.js';
import { SyslogSender } from '../siem/syslog-sender.js';
import { WebhookSink } from './webhook.js';

/** Where alerts go besides the audit log. */
export interface AlertSinks {
  /** Hands an alert (the recorded event plus time and instance) to every sink; returns at once. */
  send(alert: Record<string, unknown>): void;
  /** Settles when queued alerts were delivered or given up (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The sinks named in the `alerts` config: a webhook (JSON POST, bounded retries) and/or syslog (RFC 5424 over
 * UDP, TCP or TLS). Neither is on the request path; both are copies of what the audit log already holds.
 */
export function openAlertSinks(
  cfg: AlertsConfig,
  instance: string,
  opts: { retryDelaysMs?: readonly number[]; onError?: (err: unknown) => void } = {},
): AlertSinks {
  const onError = opts.onError ?? ((err: unknown) => process.emitWarning(`hic: alert delivery: ${String(err)}`));
  const webhook = cfg.webhookUrl
    ? new WebhookSink({
        url: cfg.webhookUrl,
        timeoutMs: cfg.webhookTimeoutMs,
        attempts: cfg.webhookAttempts,
        onError,
        ...(opts.retryDelaysMs ? { retryDelaysMs: opts.retryDelaysMs } : {}),
      })
    : null;
  const syslog = cfg.syslog ? new SyslogSender(cfg.syslog, onError) : null;
  const origin = cfg.syslog ? { facility: cfg.syslog.facility, appName: cfg.syslog.appName, hostname: hostname(), procId: instance } : null;
  return {
    send(alert) {
      webhook?.enqueue(alert);
      if (syslog && origin) syslog.send(auditRecordToSyslog(alert, origin));
    },
    idle: async () => webhook?.idle(),
    async close() {
      await webhook?.close();
      await syslog?.close();
    },
  };
}
