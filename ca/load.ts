/**
 * Loading a CA directory for day-to-day issuance: the issuing CA certificate and key plus the root certificate.
 * The root key is neither read nor needed. Before anything is issued the files are checked against each other,
 * so a mixed-up directory fails at start-up with a clear message instead of issuing unverifiable certificates.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { systemClock } from '../gateway/core/clock.js';
import { HicError } from '../gateway/core/errors.js';
import { createAuthority } from './authority.js';
import { CA_FILES, readCaConfig, readCaFile } from './files.js';
import { parseCertificate } from './forge.js';
import { DEFAULT_PREFIX } from './names.js';
import { systemRandom } from './random.js';
import type { Authority, AuthorityOptions } from './types.js';

/**
 * Checks a cRLDistributionPoints URL. RFC 5280 4.2.1.13 expects http (or ldap, not offered here); https is
 * accepted for deployments that can only publish that way, though plain http avoids a CRL fetch that itself
 * depends on TLS.
 */
export function checkCrlDistributionUrl(url: unknown): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  const httpish = parsed !== undefined && (parsed.protocol === 'http:' || parsed.protocol === 'https:');
  // The URL goes into an IA5String as written: only printable ASCII without spaces.
  if (!httpish || !/^[\x21-\x7e]+$/.test(String(url))) {
    throw new HicError('CA_ERROR', `crlDistributionUrl ${String(url)} is not an http(s) URL`);
  }
  return String(url);
}

function x509(pem: string, file: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new HicError('CA_ERROR', `${file} is not a PEM certificate`, { cause: err });
  }
}

function privateKey(pem: string, file: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw new HicError('CA_ERROR', `${file} is not an unencrypted private key`, { cause: err });
  }
}

const normalisePem = (pem: string): string => `${pem.replace(/\r\n/g, '\n').trim()}\n`;

/** Loads the issuing CA from `dir` (root key not needed). */
export async function loadAuthority(dir: string, opts: AuthorityOptions = {}): Promise<Authority> {
  const [rootPem, issuingPem, issuingKeyPem] = await Promise.all([
    readCaFile(dir, CA_FILES.rootCert),
    readCaFile(dir, CA_FILES.issuingCert),
    readCaFile(dir, CA_FILES.issuingKey),
  ]);
  const config = await readCaConfig(dir, { version: 1, commonNamePrefix: DEFAULT_PREFIX, createdAt: '' });
  const root = x509(rootPem, CA_FILES.rootCert);
  const issuing = x509(issuingPem, CA_FILES.issuingCert);
  const key = privateKey(issuingKeyPem, CA_FILES.issuingKey);

  if (!root.ca || !issuing.ca) {
    throw new HicError('CA_ERROR', 'the root and issuing certificates must both be CA certificates');
  }
  if (!root.verify(root.publicKey)) throw new HicError('CA_ERROR', `${CA_FILES.rootCert} is not a self-signed root`);
  if (!issuing.checkIssued(root) || !issuing.verify(root.publicKey)) {
    throw new HicError('CA_ERROR', `${CA_FILES.issuingCert} was not signed by ${CA_FILES.rootCert}`);
  }
  if (key.asymmetricKeyType !== 'rsa' || !issuing.checkPrivateKey(key)) {
    throw new HicError('CA_ERROR', `${CA_FILES.issuingKey} does not belong to ${CA_FILES.issuingCert}`);
  }
  const parsed = parseCertificate(issuingPem);
  if (parsed.subjectKeyIdentifierHex === undefined) {
    // Leaves name their issuer's key in authorityKeyIdentifier (RFC 5280 4.2.1.1); without it chains are ambiguous.
    throw new HicError('CA_ERROR', `${CA_FILES.issuingCert} has no subjectKeyIdentifier`);
  }
  return createAuthority({
    dir,
    rootCertPem: normalisePem(rootPem),
    issuer: {
      certPem: normalisePem(issuingPem),
      cert: parsed,
      keyIdentifierHex: parsed.subjectKeyIdentifierHex,
      key,
      crlDistributionUrl: checkCrlDistributionUrl(opts.crlDistributionUrl ?? config.crlDistributionUrl),
      random: opts.random ?? systemRandom,
    },
    commonNamePrefix: config.commonNamePrefix,
    clock: opts.clock ?? systemClock,
    p12Algorithm: opts.p12Algorithm ?? 'aes256',
  });
}
