/**
 * Creating the CA (SPEC AUTH-8: the operator's own certificate authority): a self-signed root (10 years,
 * pathLen 1) and an issuing CA under it (5 years, pathLen 0), each with its own RSA-3072 key. Day-to-day
 * issuance uses only the issuing CA, so the root key can be encrypted with a passphrase or moved offline.
 */
import { HicError } from '../gateway/core/errors.js';
import { systemClock } from '../gateway/core/clock.js';
import { anyCaFileExists, writeCaFiles } from './files.js';
import { signCertificate } from './forge.js';
import { generateRsaKeyPair, keyIdentifierHex, privateKeyPem } from './keys.js';
import { checkCrlDistributionUrl, loadAuthority } from './load.js';
import { DEFAULT_PREFIX, MAX_PREFIX_LENGTH, caSubject, checkNameValue } from './names.js';
import { CA_KEY_BITS, ISSUING_VALIDITY_YEARS, ROOT_VALIDITY_YEARS, extensionsFor } from './profiles.js';
import { randomSerial, systemRandom } from './random.js';
import type { Authority, InitOptions } from './types.js';
import { caValidity } from './validity.js';

/** Shortest root passphrase accepted; the encrypted key file may be copied around, so it must resist guessing. */
const MIN_PASSPHRASE_LENGTH = 12;

/** True when `dir` already holds (part of) a CA. */
export function authorityExists(dir: string): boolean {
  return anyCaFileExists(dir);
}

/**
 * Creates the root and issuing CA in `dir` and returns the loaded authority. Refuses when `dir` already holds
 * any CA file. Writes root-ca.cert.pem, root-ca.key.pem (encrypted PKCS#8 when `rootPassphrase` is given),
 * issuing-ca.cert.pem, issuing-ca.key.pem, ca-bundle.pem (issuing + root) and ca.json; keys mode 0600.
 */
export async function initAuthority(dir: string, opts: InitOptions = {}): Promise<Authority> {
  if (anyCaFileExists(dir)) {
    throw new HicError('CA_ERROR', `${dir} already holds a certificate authority; refusing to overwrite it`);
  }
  const prefix = checkNameValue('commonNamePrefix', opts.commonNamePrefix ?? DEFAULT_PREFIX, MAX_PREFIX_LENGTH);
  const crlDistributionUrl = checkCrlDistributionUrl(opts.crlDistributionUrl);
  const passphrase = opts.rootPassphrase;
  if (passphrase !== undefined && (typeof passphrase !== 'string' || passphrase.length < MIN_PASSPHRASE_LENGTH)) {
    throw new HicError('CA_ERROR', `rootPassphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
  const random = opts.random ?? systemRandom;
  const now = opts.now ?? new Date((opts.clock ?? systemClock).now());
  const rootSubject = caSubject(prefix, 'Root CA');
  const issuingSubject = caSubject(prefix, 'Issuing CA');

  const [rootKeys, issuingKeys] = await Promise.all([generateRsaKeyPair(CA_KEY_BITS), generateRsaKeyPair(CA_KEY_BITS)]);
  const rootKeyId = keyIdentifierHex(rootKeys.publicKey);
  const root = signCertificate(
    {
      serialHex: randomSerial(random),
      subject: rootSubject,
      ...caValidity(now, ROOT_VALIDITY_YEARS),
      extensions: extensionsFor({ kind: 'root', issuer: { keyIdentifierHex: rootKeyId } }),
    },
    rootKeys.publicKey,
    rootKeys.privateKey,
  );
  const issuing = signCertificate(
    {
      serialHex: randomSerial(random),
      subject: issuingSubject,
      ...caValidity(now, ISSUING_VALIDITY_YEARS),
      extensions: extensionsFor({ kind: 'issuing', issuer: { keyIdentifierHex: rootKeyId } }),
    },
    issuingKeys.publicKey,
    rootKeys.privateKey,
    root.pem,
  );

  await writeCaFiles(dir, {
    rootCert: root.pem,
    rootKey: privateKeyPem(rootKeys.privateKey, passphrase),
    issuingCert: issuing.pem,
    issuingKey: privateKeyPem(issuingKeys.privateKey),
    bundle: issuing.pem + root.pem,
    config: { version: 1, commonNamePrefix: prefix, crlDistributionUrl, createdAt: now.toISOString() },
  });
  // Loading what was just written checks the files against each other once more.
  return loadAuthority(dir, opts);
}
