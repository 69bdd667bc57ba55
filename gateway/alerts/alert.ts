import type { AuditPort } from '../core/audit-port.js';

/**
 * What the security team is alerted to (LOG-4: failed-login bursts, new network, concurrent sessions, unusual
 * hours, blocked downloads — plus the other signs of abuse the gateway sees).
 */
export type AlertType =
  | 'failed-login-burst'
  | 'account-locked'
  | 'new-network'
  | 'new-terminal'
  | 'concurrent-sessions'
  | 'outside-hours'
  | 'blocked-transfer'
  | 'session-cookie-replayed'
  | 'staff-action-refused'
  | 'clock-skew'
  | 'audit-chain-resumed'
  | 'session-volume'
  | 'config-reload-failed';

export type AlertSeverity = 'warning' | 'critical';

/** Severity unless the caller says otherwise: critical when an account or the evidence itself is at stake. */
export const DEFAULT_SEVERITY: Record<AlertType, AlertSeverity> = {
  'failed-login-burst': 'warning',
  'account-locked': 'critical',
  'new-network': 'warning',
  'new-terminal': 'warning',
  'concurrent-sessions': 'warning',
  'outside-hours': 'warning',
  'blocked-transfer': 'critical',
  'session-cookie-replayed': 'critical',
  'staff-action-refused': 'warning',
  'clock-skew': 'critical',
  'audit-chain-resumed': 'warning',
  'session-volume': 'warning',
  'config-reload-failed': 'critical',
};

/** An alert as raised: a type, a one-line summary and the identifying fields the reviewer searches by. */
export interface Alert {
  type: AlertType;
  summary: string;
  severity?: AlertSeverity;
  user?: string | null;
  project?: string | null;
  address?: string | null;
  terminal?: string | null;
  session?: string | null;
  [detail: string]: unknown;
}

/** Name of the audit event that carries an alert. */
export const ALERT_EVENT = 'alert' as const;

/**
 * Raises an alert: written to the audit log as the security event `{"event":"alert","type":...}` (durable, so
 * the alert is evidence like any other event), then sent by the gateway's audit port to the configured webhook
 * and syslog (never waited for). Callers on the request path should not await it. Never throws: a failed write
 * is reported as a warning (the audit log itself then fails closed).
 */
export async function raiseAlert(rt: { audit: AuditPort }, alert: Alert): Promise<void> {
  const { type, summary, severity, ...fields } = alert;
  try {
    await rt.audit.security({ ...fields, event: ALERT_EVENT, type, severity: severity ?? DEFAULT_SEVERITY[type], summary });
  } catch (err) {
    process.emitWarning(`hic: alert ${type} could not be recorded: ${String(err)}`);
  }
}
