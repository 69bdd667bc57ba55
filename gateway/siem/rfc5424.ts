/**
 * RFC 5424 syslog messages, written by hand (a few lines; no syslog package is needed):
 * `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID PARAM="value"...] BOM MSG`.
 */

/** RFC 5424 6.2.1 severities used here. */
export const SEVERITY = { critical: 2, warning: 4, notice: 5, informational: 6 } as const;

/**
 * Private SD-ID of the gateway's structured data. 32473 is the enterprise number reserved for documentation
 * (RFC 5612); an operator with an own IANA number may rewrite it at the collector.
 */
export const SD_ID = 'hic@32473';

export interface SyslogMessage {
  /** 0..23; 13 = log audit (RFC 5424 table 1). */
  facility: number;
  severity: number;
  /** ISO 8601 UTC with milliseconds (LOG-5). */
  time: string;
  hostname: string;
  appName: string;
  procId: string;
  /** What happened, e.g. `login-failed`, `alert`, `access`. */
  msgId: string;
  /** One SD element (SD_ID) with these parameters; null/undefined values are left out. */
  data?: Record<string, string | number | boolean | null | undefined>;
  /** The free-form part; sent as UTF-8 behind a BOM (RFC 5424 6.4). */
  message: string;
}

const BOM = '\uFEFF';

/** Formats one message (without transport framing). */
export function formatRfc5424(m: SyslogMessage): string {
  const pri = Math.min(23, Math.max(0, m.facility | 0)) * 8 + Math.min(7, Math.max(0, m.severity | 0));
  const header = [
    `<${pri}>1`,
    m.time || '-',
    headerField(m.hostname, 255),
    headerField(m.appName, 48),
    headerField(m.procId, 128),
    headerField(m.msgId, 32),
  ].join(' ');
  return `${header} ${structuredData(m.data)} ${BOM}${m.message}`;
}

/** RFC 6587 3.4.1 octet counting (also RFC 5425 over TLS): `LEN SP MSG`, LEN in bytes. */
export function frameOctetCounted(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** PRINTUSASCII only (33..126), at most `max` characters, `-` when empty (RFC 5424 6.2). */
function headerField(value: string | undefined, max: number): string {
  const clean = (value ?? '').replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

function structuredData(data: SyslogMessage['data']): string {
  if (!data) return '-';
  const params: string[] = [];
  for (const [name, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    // SD-NAME: printable ASCII except '=', space, ']' and '"', at most 32 (RFC 5424 6.3.3).
    const key = name.replace(/[^\x21-\x7e]|[=\]"]/g, '_').slice(0, 32);
    // PARAM-VALUE: '"', '\' and ']' must be escaped (RFC 5424 6.3.3).
    params.push(`${key}="${String(value).replace(/["\\\]]/g, (c) => `\\${c}`)}"`);
  }
  return params.length === 0 ? '-' : `[${SD_ID} ${params.join(' ')}]`;
}
