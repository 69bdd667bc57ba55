/**
 * A loaded CA: issues server and terminal certificates, signs terminals' CSRs and CRLs, all with the issuing CA
 * key. The root key is not held here: it signs only the issuing CA, at init (HIC guideline: the operator's own
 * CA, kept offline where possible).
 */
import type { KeyObject } from 'node:crypto';
import type { Clock } from '../gateway/core/clock.js';
import { HicError } from '../gateway/core/errors.js';
import { buildCrl } from './crl.js';
import { checkedCsrPublicKey } from './csr.js';
import { buildPkcs12 } from './forge.js';
import type { Pkcs12Algorithm } from './forge.js';
import { issueLeaf } from './issue.js';
import type { IssuerContext } from './issue.js';
import { generateRsaKeyPair, privateKeyPem } from './keys.js';
import { DEFAULT_LEAF_VALIDITY_DAYS, LEAF_KEY_BITS, MAX_SERVER_VALIDITY_DAYS } from './profiles.js';
import { serverNames } from './server.js';
import { p12PasswordFor, terminalNames } from './terminal.js';
import type { Authority, IssuedCertificate, LeafKeyBits, TerminalCertificateRequest } from './types.js';
import { leafValidity } from './validity.js';

/** Everything a loaded CA holds. */
export interface AuthorityState {
  readonly dir: string;
  readonly rootCertPem: string;
  readonly issuer: IssuerContext;
  readonly commonNamePrefix: string;
  readonly clock: Clock;
  readonly p12Algorithm: Pkcs12Algorithm;
}

function checkKeyBits(bits: LeafKeyBits | undefined): number {
  const value = bits ?? LEAF_KEY_BITS;
  if (value !== 2048 && value !== 3072) throw new HicError('CA_ERROR', 'keyBits must be 2048 or 3072');
  return value;
}

/** Builds the {@link Authority} object over a loaded state. */
export function createAuthority(state: AuthorityState): Authority {
  const { issuer } = state;
  const nowOf = (now: Date | undefined): Date => now ?? new Date(state.clock.now());

  /** Names and validity of a terminal certificate, checked before any key is generated or read. */
  function terminalLeaf(req: TerminalCertificateRequest): (publicKey: KeyObject) => IssuedCertificate {
    const { subject, altNames } = terminalNames(req, state.commonNamePrefix);
    const validity = leafValidity(
      { now: nowOf(req.now), validityDays: req.validityDays, notBefore: req.notBefore, notAfter: req.notAfter },
      { defaultDays: DEFAULT_LEAF_VALIDITY_DAYS, issuerNotAfter: issuer.cert.notAfter },
    );
    return (publicKey) => issueLeaf(issuer, { kind: 'terminal', subject, altNames, validity, publicKey });
  }

  // Frozen: the gateway passes this object around; nobody should swap a method or the CRL URL on it.
  return Object.freeze<Authority>({
    dir: state.dir,
    crlDistributionUrl: issuer.crlDistributionUrl,
    caBundlePem: () => issuer.certPem + state.rootCertPem,
    issuingCertPem: () => issuer.certPem,
    rootCertPem: () => state.rootCertPem,

    async issueServerCertificate(req) {
      const { subject, altNames } = serverNames(req, state.commonNamePrefix);
      const validity = leafValidity(
        { now: nowOf(req.now), validityDays: req.validityDays },
        { defaultDays: DEFAULT_LEAF_VALIDITY_DAYS, maxDays: MAX_SERVER_VALIDITY_DAYS, issuerNotAfter: issuer.cert.notAfter },
      );
      const keys = await generateRsaKeyPair(checkKeyBits(req.keyBits));
      const issued = issueLeaf(issuer, { kind: 'server', subject, altNames, validity, publicKey: keys.publicKey });
      return { ...issued, keyPem: privateKeyPem(keys.privateKey) };
    },

    async issueTerminalCertificate(req) {
      // Everything cheap is checked before a key generation is spent on the request.
      const issue = terminalLeaf(req);
      const p12Password = p12PasswordFor(req.p12Password, issuer.random);
      const keys = await generateRsaKeyPair(checkKeyBits(req.keyBits));
      const issued = issue(keys.publicKey);
      const p12 = buildPkcs12({
        privateKey: keys.privateKey,
        chainPems: [issued.certPem, issuer.certPem, state.rootCertPem],
        password: p12Password,
        friendlyName: req.terminalId,
        algorithm: state.p12Algorithm,
      });
      return { ...issued, keyPem: privateKeyPem(keys.privateKey), p12, p12Password };
    },

    async signCsr(csrPem, req) {
      const issue = terminalLeaf(req);
      return issue(checkedCsrPublicKey(csrPem));
    },

    createCrl(revoked, opts) {
      return buildCrl({ certDer: issuer.cert.der, keyIdentifierHex: issuer.keyIdentifierHex, key: issuer.key }, revoked, {
        now: nowOf(opts?.now),
        crlNumber: opts?.crlNumber,
      });
    },
  });
}
