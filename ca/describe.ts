/**
 * Reading certificates back: the fingerprint the gateway's terminal register keys on, and the terminal id,
 * site and project a terminal certificate names (see `names.ts` for the layout).
 */
import { X509Certificate } from 'node:crypto';
import { HicError } from '../gateway/core/errors.js';
import { parseCertificate } from './forge.js';
import { sha256Hex } from './issue.js';
import { formatName, projectFromUris } from './names.js';
import type { CertificateDescription } from './types.js';

/** SHA-256 fingerprint (lowercase hex, no colons) of a PEM or DER certificate. */
export function certificateFingerprint(cert: string | Buffer): string {
  try {
    return sha256Hex(new X509Certificate(cert).raw);
  } catch (err) {
    throw new HicError('CA_ERROR', 'not a PEM or DER X.509 certificate', { cause: err });
  }
}

/**
 * Describes a certificate. terminalId (subject CN), site (first subject OU) and project (SAN URI
 * `urn:hic:project:<p>`) are filled only for terminal certificates, recognised by the clientAuth purpose, so a
 * server certificate is never mistaken for a terminal.
 */
export function describeCertificate(certPem: string): CertificateDescription {
  const cert = parseCertificate(certPem);
  const description: CertificateDescription = {
    subject: formatName(cert.subject),
    serial: cert.serialHex,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    fingerprint: sha256Hex(cert.der),
    issuer: formatName(cert.issuer),
    crlUrls: [...cert.crlUrls],
  };
  if (!cert.extKeyUsage.includes('clientAuth')) return description;
  const terminalId = cert.subject.find((a) => a.shortName === 'CN')?.value;
  const site = cert.subject.find((a) => a.shortName === 'OU')?.value;
  const project = projectFromUris(cert.uris);
  if (terminalId !== undefined) description.terminalId = terminalId;
  if (site !== undefined) description.site = site;
  if (project !== undefined) description.project = project;
  return description;
}
