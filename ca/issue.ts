/**
 * Signs one leaf certificate with the issuing CA. Callers (server.ts, terminal.ts) decide names and validity;
 * this file applies the profile, the serial and the issuer, and reports what was issued.
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { signCertificate } from './forge.js';
import type { ParsedCertificate } from './forge.js';
import { formatName } from './names.js';
import { extensionsFor } from './profiles.js';
import type { GeneralName, NameAttribute } from './profiles.js';
import { randomSerial } from './random.js';
import type { RandomSource } from './random.js';
import type { IssuedCertificate } from './types.js';
import type { Validity } from './validity.js';

/** The issuing CA as the signer of leaves. */
export interface IssuerContext {
  readonly certPem: string;
  readonly cert: ParsedCertificate;
  /** The issuing CA's subjectKeyIdentifier, checked present at load. */
  readonly keyIdentifierHex: string;
  readonly key: KeyObject;
  readonly crlDistributionUrl: string | undefined;
  readonly random: RandomSource;
}

/** What a leaf needs beyond its profile. */
export interface LeafRequest {
  readonly kind: 'server' | 'terminal';
  readonly subject: readonly NameAttribute[];
  readonly altNames: readonly GeneralName[];
  readonly validity: Validity;
  readonly publicKey: KeyObject;
}

/** SHA-256 over the DER, lowercase hex: the fingerprint the gateway's terminal register keys on. */
export function sha256Hex(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Signs a leaf certificate; the key pair (if the gateway made it) stays with the caller. */
export function issueLeaf(issuer: IssuerContext, leaf: LeafRequest): IssuedCertificate {
  const serial = randomSerial(issuer.random);
  const extensions = extensionsFor({
    kind: leaf.kind,
    issuer: { keyIdentifierHex: issuer.keyIdentifierHex },
    altNames: leaf.altNames,
    crlDistributionUrl: issuer.crlDistributionUrl,
  });
  const { pem, der } = signCertificate(
    { serialHex: serial, subject: leaf.subject, ...leaf.validity, extensions },
    leaf.publicKey,
    issuer.key,
    issuer.certPem,
  );
  return {
    certPem: pem,
    serial,
    fingerprint: sha256Hex(der),
    notBefore: leaf.validity.notBefore,
    notAfter: leaf.validity.notAfter,
    subject: formatName(leaf.subject.map((a) => ({ shortName: a.shortName, oid: '', value: a.value }))),
  };
}
