/**
 * The gateway's own TLS server certificate: names checked and put into the subjectAltName, where clients look
 * for them (RFC 6125 6.4.4: the CN is not consulted when a SAN is present; RFC 5280 4.2.1.6 types).
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { HicError } from '../gateway/core/errors.js';
import { serverSubject } from './names.js';
import type { GeneralName, NameAttribute } from './profiles.js';
import type { ServerCertificateRequest } from './types.js';

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** One DNS name, lowercased and IDN-converted to its A-label form (dNSName is IA5String). */
function checkHostname(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0) throw new HicError('CA_ERROR', 'hostnames must be non-empty strings');
  if (isIP(raw) !== 0) throw new HicError('CA_ERROR', `${raw} is an IP address; pass it in ipAddresses`);
  const wildcard = raw.startsWith('*.');
  const ascii = domainToASCII(wildcard ? raw.slice(2) : raw);
  const labels = ascii.split('.');
  if (ascii === '' || ascii.length > 253 || !labels.every((l) => LABEL.test(l))) {
    throw new HicError('CA_ERROR', `${raw} is not a valid DNS name`);
  }
  return wildcard ? `*.${ascii}` : ascii;
}

function checkIp(raw: unknown): string {
  if (typeof raw !== 'string' || isIP(raw) === 0) throw new HicError('CA_ERROR', `${String(raw)} is not an IP address`);
  return raw;
}

/** Subject and SANs for a server certificate; the CN repeats the first name for tools that still show it. */
export function serverNames(req: ServerCertificateRequest, prefix: string): { subject: NameAttribute[]; altNames: GeneralName[] } {
  if (typeof req !== 'object' || req === null || !Array.isArray(req.hostnames)) {
    throw new HicError('CA_ERROR', 'hostnames must be an array');
  }
  const hostnames = [...new Set(req.hostnames.map(checkHostname))];
  const ips = [...new Set((req.ipAddresses ?? []).map(checkIp))];
  const first = hostnames[0] ?? ips[0];
  if (first === undefined) throw new HicError('CA_ERROR', 'a server certificate needs at least one hostname or IP address');
  return {
    subject: serverSubject(prefix, first),
    altNames: [
      ...hostnames.map((value): GeneralName => ({ kind: 'dns', value })),
      ...ips.map((value): GeneralName => ({ kind: 'ip', value })),
    ],
  };
}
