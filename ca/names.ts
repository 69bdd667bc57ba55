/**
 * Subject names: how a terminal, a server and the two CAs are named, how the names are checked, and how they are
 * printed. A terminal certificate is named
 *
 *     O=<prefix>, OU=<site>, CN=<terminal id>
 *
 * and, when the terminal belongs to one project, carries the subjectAltName URI `urn:hic:project:<project>`
 * (percent-encoded). A URI is used rather than a second OU because RDN order is not meaningful to every tool and
 * two OUs could be confused; a SAN entry is typed and unambiguous.
 */
import { HicError } from '../gateway/core/errors.js';
import type { NameAttribute } from './profiles.js';

/** The default for `commonNamePrefix`. */
export const DEFAULT_PREFIX = 'HIC Gateway';

/** Upper bounds from RFC 5280 Appendix A (ub-common-name, ub-organization-name, ub-organizational-unit-name). */
const MAX_NAME_LENGTH = 64;

/** The prefix must leave room for ' Issuing CA' inside a 64-character CN. */
export const MAX_PREFIX_LENGTH = MAX_NAME_LENGTH - ' Issuing CA'.length;

const PROJECT_URN_PREFIX = 'urn:hic:project:';

/**
 * Checks one name value: present, no control characters, no surrounding spaces (they make look-alike names),
 * and within the RFC 5280 length bound, counted in characters.
 */
export function checkNameValue(field: string, value: unknown, max = MAX_NAME_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new HicError('CA_ERROR', `${field} is required`);
  }
  if (/\p{Cc}/u.test(value)) throw new HicError('CA_ERROR', `${field} must not contain control characters`);
  if (value.trim() !== value) throw new HicError('CA_ERROR', `${field} must not start or end with spaces`);
  if ([...value].length > max) throw new HicError('CA_ERROR', `${field} must be at most ${max} characters`);
  return value;
}

/** The two CA names. The CN carries the prefix so that several gateways' CAs are told apart in trust stores. */
export function caSubject(prefix: string, role: 'Root CA' | 'Issuing CA'): NameAttribute[] {
  return [
    { shortName: 'O', value: prefix },
    { shortName: 'CN', value: checkNameValue('commonNamePrefix', `${prefix} ${role}`) },
  ];
}

/** A terminal's subject: CN = terminal id, OU = site (SPEC AC-2 matches the certificate to the site). */
export function terminalSubject(prefix: string, terminalId: string, site: string): NameAttribute[] {
  return [
    { shortName: 'O', value: prefix },
    { shortName: 'OU', value: checkNameValue('site', site) },
    { shortName: 'CN', value: checkNameValue('terminalId', terminalId) },
  ];
}

/** A server's subject: CN = first name. Clients match on the subjectAltName only (RFC 6125 6.4.4). */
export function serverSubject(prefix: string, commonName: string): NameAttribute[] {
  return [
    { shortName: 'O', value: prefix },
    { shortName: 'CN', value: checkNameValue('hostname', commonName) },
  ];
}

/** The subjectAltName URI that names a terminal's project. */
export function projectUri(project: string): string {
  return PROJECT_URN_PREFIX + encodeURIComponent(checkNameValue('project', project, 200));
}

/** The project named by a certificate's SAN URIs, if any. */
export function projectFromUris(uris: readonly string[]): string | undefined {
  const uri = uris.find((u) => u.startsWith(PROJECT_URN_PREFIX));
  if (uri === undefined) return undefined;
  try {
    return decodeURIComponent(uri.slice(PROJECT_URN_PREFIX.length));
  } catch {
    return undefined;
  }
}

/** Escapes one attribute value as RFC 4514 section 2.4 asks. */
function escapeValue(value: string): string {
  return value
    .replace(/[\\"+,;<>=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, '\\ ')
    .replace(/\0/g, '\\00');
}

/**
 * RFC 4514 string form, most specific attribute first: `CN=term-01,OU=Site A,O=HIC Gateway`. Attribute types
 * without a short name are written as dotted OIDs.
 */
export function formatName(attrs: readonly { shortName?: string | undefined; oid: string; value: string }[]): string {
  return [...attrs]
    .reverse()
    .map((a) => `${a.shortName ?? a.oid}=${escapeValue(a.value)}`)
    .join(',');
}
