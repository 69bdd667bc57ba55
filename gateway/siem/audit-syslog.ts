import { formatRfc5424, SEVERITY } from './rfc5424.js';

/** Header values that stay the same for every message of one sender. */
export interface SyslogOrigin {
  facility: number;
  appName: string;
  hostname: string;
  /** The gateway instance (RFC 5424 PROCID: "a change indicates a discontinuity in syslog reporting"). */
  procId: string;
}

/** Fields copied into the structured data so that a SIEM can filter without parsing the JSON body. */
const SD_FIELDS = [
  'instance',
  'seq',
  'kind',
  'type',
  'severity',
  'user',
  'by',
  'project',
  'address',
  'terminalId',
  'session',
  'status',
  'reason',
] as const;

/**
 * One audit record (access record, security event or alert, as JSON) as an RFC 5424 message: MSGID is the event
 * name (`access` for access records), severity follows the kind (alerts: their own; security events: notice;
 * access: informational), the structured data carries the fields a SIEM filters on, the body is the whole
 * record as JSON so nothing is lost.
 */
export function auditRecordToSyslog(record: Record<string, unknown>, origin: SyslogOrigin): string {
  const kind = record['kind'];
  const event = typeof record['event'] === 'string' ? record['event'] : kind === 'access' ? 'access' : 'audit';
  const severity =
    event === 'alert'
      ? record['severity'] === 'critical'
        ? SEVERITY.critical
        : SEVERITY.warning
      : kind === 'access'
        ? SEVERITY.informational
        : SEVERITY.notice;
  const data: Record<string, string | number | boolean | null | undefined> = {};
  for (const key of SD_FIELDS) {
    const value = record[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') data[key] = value;
  }
  const time = typeof record['time'] === 'string' ? record['time'] : new Date().toISOString();
  return formatRfc5424({ ...origin, severity, time, msgId: event, data, message: JSON.stringify(record) });
}
