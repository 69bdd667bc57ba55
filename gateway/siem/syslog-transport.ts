import { hostname } from 'node:os';
import { Writable } from 'node:stream';
import { auditRecordToSyslog, type SyslogOrigin } from './audit-syslog.js';
import { SyslogSender, type SyslogTarget } from './syslog-sender.js';

/** Options given to the transport by `pino.transport({ target, options })`. */
export interface SyslogTransportOptions extends SyslogTarget {
  facility?: number;
  appName?: string;
  hostname?: string;
  procId?: string;
}

/**
 * A pino transport (the module's default export builds the destination stream; pino runs it in a worker thread,
 * so formatting and sending never use the gateway's event loop). Each pino line — one audit record — becomes
 * one RFC 5424 message to the configured collector.
 */
export default function syslogTransport(opts: SyslogTransportOptions): Writable {
  const sender = new SyslogSender(opts);
  const origin: SyslogOrigin = {
    facility: opts.facility ?? 13,
    appName: opts.appName ?? 'hic-gateway',
    hostname: opts.hostname ?? hostname(),
    procId: opts.procId ?? String(process.pid),
  };
  let carry = '';
  return new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _encoding, callback) {
      const text = carry + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        try {
          sender.send(auditRecordToSyslog(JSON.parse(line) as Record<string, unknown>, origin));
        } catch {
          // Not JSON: pass it on as text rather than lose it.
          sender.send(auditRecordToSyslog({ kind: 'security', event: 'unparsed', text: line }, origin));
        }
      }
      callback();
    },
    final(callback) {
      sender.close().then(() => callback(), callback);
    },
  });
}
