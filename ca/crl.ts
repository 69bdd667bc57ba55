/**
 * Certificate revocation lists (RFC 5280 section 5): an X.509 v2 CRL signed by the issuing CA with
 * sha256WithRSAEncryption. The gateway checks revocation against its own register; the CRL is for relying
 * parties outside it (e.g. a load balancer terminating TLS) and for audit.
 */
import { sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { HicError } from '../gateway/core/errors.js';
import * as der from './der.js';
import { subjectNameDer } from './forge.js';
import type { RevocationReason, RevokedEntry } from './types.js';

const OIDS = {
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  authorityKeyIdentifier: '2.5.29.35',
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
} as const;

/** CRLReason values (RFC 5280 5.3.1); 7 is unused. */
const REASON_CODES: Record<RevocationReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
};

/** How long a CRL stays current; relying parties refetch before nextUpdate. */
const CRL_LIFETIME_MS = 7 * 86_400_000;

/** The signer of CRLs. */
export interface CrlSigner {
  readonly certDer: Buffer;
  readonly keyIdentifierHex: string;
  readonly key: KeyObject;
}

/** Hex serial, any case, colons or spaces allowed; at most 20 octets (RFC 5280 4.1.2.2). */
function normaliseSerial(raw: unknown): string {
  const hex = typeof raw === 'string' ? raw.replace(/[:\s]/g, '').toLowerCase() : '';
  if (!/^[0-9a-f]{1,40}$/.test(hex)) {
    throw new HicError('CA_ERROR', `revoked serial ${String(raw)} is not a hex serial number`);
  }
  return hex;
}

function reasonCode(reason: string | undefined): number | undefined {
  if (reason === undefined) return undefined;
  if (!Object.hasOwn(REASON_CODES, reason)) {
    const known = Object.keys(REASON_CODES).join(', ');
    throw new HicError('CA_ERROR', `unknown revocation reason ${reason}; use one of ${known}`);
  }
  return REASON_CODES[reason as RevocationReason];
}

function wholeSeconds(date: unknown, field: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new HicError('CA_ERROR', `${field} must be a valid Date`);
  }
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** One revokedCertificates entry; reasonCode 'unspecified' is left out, as RFC 5280 5.3.1 asks. */
function revokedEntry(entry: RevokedEntry): Buffer {
  const code = reasonCode(entry.reason);
  const fields = [der.integerFromHex(normaliseSerial(entry.serial)), der.time(wholeSeconds(entry.revokedAt, 'revokedAt'))];
  if (code !== undefined && code !== 0) fields.push(der.sequence(der.extension(OIDS.reasonCode, der.enumerated(code))));
  return der.sequence(...fields);
}

/**
 * Builds and signs a CRL. Entries with the same serial appear once (the first wins). `crlNumber` must grow with
 * each CRL (RFC 5280 5.2.3); the default, seconds since the epoch, does so as long as the clock does.
 */
export function buildCrl(signer: CrlSigner, revoked: readonly RevokedEntry[], opts: { now: Date; crlNumber?: number | undefined }): string {
  if (!Array.isArray(revoked)) throw new HicError('CA_ERROR', 'revoked must be an array');
  const thisUpdate = wholeSeconds(opts.now, 'now');
  const nextUpdate = new Date(thisUpdate.getTime() + CRL_LIFETIME_MS);
  const crlNumber = opts.crlNumber ?? Math.floor(thisUpdate.getTime() / 1000);
  if (!Number.isSafeInteger(crlNumber) || crlNumber < 0) {
    throw new HicError('CA_ERROR', 'crlNumber must be a non-negative whole number');
  }

  const seen = new Set<string>();
  const entries = revoked.filter((r) => {
    const serial = normaliseSerial(r.serial);
    if (seen.has(serial)) return false;
    seen.add(serial);
    return true;
  });

  const signatureAlgorithm = der.sequence(der.oid(OIDS.sha256WithRSAEncryption), der.nullValue());
  const aki = der.sequence(der.implicitPrimitive(0, Buffer.from(signer.keyIdentifierHex, 'hex')));
  const tbsFields = [
    der.integer(1), // v2: required because the CRL has extensions (RFC 5280 5.1.2.1)
    signatureAlgorithm,
    subjectNameDer(signer.certDer),
    der.time(thisUpdate),
    der.time(nextUpdate),
  ];
  // An empty revokedCertificates list must be left out, not encoded empty (RFC 5280 5.1.2.6).
  if (entries.length > 0) tbsFields.push(der.sequence(...entries.map(revokedEntry)));
  tbsFields.push(
    der.explicit(
      0,
      der.sequence(
        der.extension(OIDS.authorityKeyIdentifier, aki), // RFC 5280 5.2.1: conforming CAs MUST include it
        der.extension(OIDS.cRLNumber, der.integer(crlNumber)), // RFC 5280 5.2.3: MUST include it
      ),
    ),
  );
  const tbs = der.sequence(...tbsFields);
  const signature = sign('sha256', tbs, signer.key);
  return der.toPem('X509 CRL', der.sequence(tbs, signatureAlgorithm, der.bitString(signature)));
}
