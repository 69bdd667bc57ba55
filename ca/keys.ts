/**
 * RSA key generation and PEM export. Keys are made by Node's native crypto (OpenSSL): forge's pure-JS key
 * generation takes seconds for 3072 bits and would block the event loop.
 */
import { createHash, generateKeyPair } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateRsa = promisify(generateKeyPair);

/** An RSA key pair as Node key objects. */
export interface RsaKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** Generates an RSA key pair (public exponent 65537) off the main thread. */
export async function generateRsaKeyPair(bits: number): Promise<RsaKeyPair> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: bits, publicExponent: 0x10001 });
  return { privateKey, publicKey };
}

/**
 * PKCS#8 PEM. With a passphrase the key is encrypted (PBES2: PBKDF2 + AES-256-CBC, RFC 8018) and the PEM label
 * becomes ENCRYPTED PRIVATE KEY, which OpenSSL and Node read back with the same passphrase.
 */
export function privateKeyPem(key: KeyObject, passphrase?: string): string {
  if (passphrase === undefined) return key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
}

/**
 * The key identifier of RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents, which for
 * RSA is the DER RSAPublicKey. forge computes a certificate's subjectKeyIdentifier the same way, so the root's
 * authorityKeyIdentifier (computed here, before its certificate exists) equals its subjectKeyIdentifier.
 */
export function keyIdentifierHex(publicKey: KeyObject): string {
  return createHash('sha1')
    .update(publicKey.export({ type: 'pkcs1', format: 'der' }))
    .digest('hex');
}
