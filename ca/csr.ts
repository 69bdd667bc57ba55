/**
 * Certificate signing requests (PKCS#10, RFC 2986): the check applied before a terminal's own key is certified,
 * and a generator for tests and `hic ca sign-csr` demos.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { HicError } from '../gateway/core/errors.js';
import { createCsrPem, parseCsr } from './forge.js';
import { checkNameValue } from './names.js';
import { LEAF_KEY_BITS, MAX_CSR_KEY_BITS, MIN_CSR_KEY_BITS } from './profiles.js';

/**
 * CSR signatures accepted as proof of possession. SHA-1 and MD5 are refused: a collision could let a CSR
 * "prove" a key its sender does not hold.
 */
const ACCEPTED_SIGNATURES = new Set(['sha256WithRSAEncryption', 'sha384WithRSAEncryption', 'sha512WithRSAEncryption']);

/**
 * Returns the CSR's public key after checking that the request is well-formed, self-signed by that key, uses an
 * accepted signature algorithm and an RSA key of sane size. Nothing else in the CSR (subject, requested
 * extensions) is trusted: the CA names the terminal from its own register.
 */
export function checkedCsrPublicKey(csrPem: unknown): KeyObject {
  if (typeof csrPem !== 'string') throw new HicError('CA_ERROR', 'the CSR must be PEM text');
  const csr = parseCsr(csrPem);
  if (!ACCEPTED_SIGNATURES.has(csr.signatureAlgorithm)) {
    throw new HicError('CA_ERROR', `the CSR is signed with ${csr.signatureAlgorithm}; use SHA-256 with RSA`);
  }
  if (!csr.signatureValid) {
    throw new HicError('CA_ERROR', 'the CSR signature does not verify with its public key (tampered or forged request)');
  }
  if (csr.modulusBits < MIN_CSR_KEY_BITS) {
    throw new HicError('CA_ERROR', `the CSR key has ${csr.modulusBits} bits; at least ${MIN_CSR_KEY_BITS} are required`);
  }
  if (csr.modulusBits > MAX_CSR_KEY_BITS) {
    throw new HicError('CA_ERROR', `the CSR key has ${csr.modulusBits} bits; at most ${MAX_CSR_KEY_BITS} are accepted`);
  }
  // FIPS 186-4 B.3.1: 2^16 < e < 2^256, odd. A tiny exponent (e = 1 in the extreme) makes the self-signature,
  // and later the TLS handshake signature, forgeable by anyone who has the public key.
  const e = csr.publicExponent;
  if (e <= 65536n || e >= 1n << 256n || e % 2n === 0n) {
    throw new HicError('CA_ERROR', `the CSR key has public exponent ${e}; use 65537`);
  }
  return csr.publicKey;
}

/**
 * Generates an RSA key and a SHA-256-signed CSR with subject CN only (for tests and demos; terminals normally
 * make their CSR with their own tools). Synchronous for convenience in scripts.
 */
export function createCsr(opts: { commonName: string; bits?: number }): { csrPem: string; keyPem: string } {
  const commonName = checkNameValue('commonName', opts.commonName);
  const bits = opts.bits ?? LEAF_KEY_BITS;
  if (!Number.isInteger(bits) || bits < 512 || bits > 16384) {
    throw new HicError('CA_ERROR', 'bits must be a whole number from 512 to 16384');
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return {
    csrPem: createCsrPem(commonName, privateKey),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
