/**
 * The public types of the built-in certificate authority (SPEC AUTH-8, AC-2). Implementation lives in the
 * neighbouring files; `index.ts` re-exports these.
 */
import type { Clock } from '../gateway/core/clock.js';
import type { Pkcs12Algorithm } from './forge.js';
import type { RandomSource } from './random.js';

/** A directory holding the CA files. */
export interface AuthorityPaths {
  dir: string;
}

/** Options shared by `initAuthority` and `loadAuthority`. */
export interface AuthorityOptions {
  /**
   * Written into every issued leaf's cRLDistributionPoints (RFC 5280 4.2.1.13). Stored in `ca.json` at init;
   * when given to `loadAuthority` it overrides the stored value. Must be an http(s) URL.
   */
  crlDistributionUrl?: string | undefined;
  /** Default clock for issuance when a request carries no `now`. */
  clock?: Clock | undefined;
  /** Randomness for serial numbers and generated PKCS#12 passwords (default: the OS CSPRNG). */
  random?: RandomSource | undefined;
  /** PBE used inside PKCS#12 bundles; both open with plain `openssl pkcs12` on OpenSSL 3. Default 'aes256'. */
  p12Algorithm?: Pkcs12Algorithm | undefined;
}

/** Options for `initAuthority`. */
export interface InitOptions extends AuthorityOptions {
  /** When given, root-ca.key.pem is written as encrypted PKCS#8; else it is plain with mode 0600. */
  rootPassphrase?: string | undefined;
  /** Organisation name and CA name prefix; default 'HIC Gateway'. */
  commonNamePrefix?: string | undefined;
  /** Injectable clock for the CA certificates' validity. */
  now?: Date | undefined;
}

/** A certificate the CA issued. */
export interface IssuedCertificate {
  certPem: string;
  keyPem?: string;
  /** 32 lowercase hex digits: 128 bits, positive (see `random.ts`). */
  serial: string;
  /** Lowercase hex SHA-256 of the DER, no colons. */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  /** RFC 4514 form, most specific first: `CN=term-01,OU=Site A,O=HIC Gateway`. */
  subject: string;
}

/** What names and dates a terminal certificate gets. */
export interface TerminalCertificateRequest {
  /** Subject CN (at most 64 characters). */
  terminalId: string;
  /** Subject OU (at most 64 characters). */
  site: string;
  /** Written as subjectAltName URI `urn:hic:project:<percent-encoded project>`. */
  project?: string | undefined;
  /** Default 365; clipped to the issuing CA's notAfter. */
  validityDays?: number | undefined;
  /** Explicit window (tests make expired certificates with these). */
  notBefore?: Date | undefined;
  notAfter?: Date | undefined;
  now?: Date | undefined;
}

/** RSA sizes accepted for keys the gateway generates for leaves. */
export type LeafKeyBits = 2048 | 3072;

/** A server certificate request. At least one hostname or IP address is required. */
export interface ServerCertificateRequest {
  hostnames: string[];
  ipAddresses?: string[] | undefined;
  /** Default 365, at most 825 (Apple's limit for TLS server certificates). */
  validityDays?: number | undefined;
  now?: Date | undefined;
  /** Default 2048. */
  keyBits?: LeafKeyBits | undefined;
}

/** Why a certificate was revoked (RFC 5280 5.3.1 CRLReason). */
export type RevocationReason =
  | 'unspecified'
  | 'keyCompromise'
  | 'cACompromise'
  | 'affiliationChanged'
  | 'superseded'
  | 'cessationOfOperation'
  | 'certificateHold'
  | 'removeFromCRL'
  | 'privilegeWithdrawn'
  | 'aACompromise';

/** One revoked certificate for a CRL. */
export interface RevokedEntry {
  /** Hex, any case, colons allowed. */
  serial: string;
  revokedAt: Date;
  /** A {@link RevocationReason}; anything else is refused. */
  reason?: string | undefined;
}

/** A loaded CA, ready to issue with its issuing CA key. */
export interface Authority {
  readonly dir: string;
  /** Issuing + root PEM: the trust bundle that verifies server and terminal certificates. */
  caBundlePem(): string;
  issuingCertPem(): string;
  rootCertPem(): string;
  /** serverAuth certificate; SANs: DNS names and IP addresses. */
  issueServerCertificate(req: ServerCertificateRequest): Promise<IssuedCertificate & { keyPem: string }>;
  /**
   * Generates the key on the gateway; returns PEMs and a PKCS#12 bundle (key, leaf, issuing CA, root) protected
   * by a generated password (or the given one, printable ASCII, 8 to 128 characters); friendlyName = terminalId.
   */
  issueTerminalCertificate(
    req: TerminalCertificateRequest & { p12Password?: string | undefined; keyBits?: LeafKeyBits | undefined },
  ): Promise<IssuedCertificate & { keyPem: string; p12: Buffer; p12Password: string }>;
  /**
   * Signs a CSR made on the terminal. Refuses unparsable PEM, a bad self-signature, RSA keys under 2048 or over
   * 8192 bits, non-RSA keys, and signature algorithms other than SHA-256/384/512 with RSA. The subject and
   * extensions come from `req`; nothing is copied from the CSR but its public key.
   */
  signCsr(csrPem: string, req: TerminalCertificateRequest): Promise<IssuedCertificate>;
  /**
   * A signed X.509 v2 CRL (PEM) from the issuing CA: thisUpdate = now, nextUpdate = now + 7 days, with a
   * cRLNumber (default: seconds since the epoch, so it grows as RFC 5280 5.2.3 requires).
   */
  createCrl(revoked: RevokedEntry[], opts?: { now?: Date | undefined; crlNumber?: number | undefined }): string;
  readonly crlDistributionUrl: string | undefined;
}

/** What `describeCertificate` reads out of a certificate. */
export interface CertificateDescription {
  subject: string;
  /** Subject CN; only for certificates with the clientAuth purpose (terminal certificates). */
  terminalId?: string;
  /** Subject OU; only for terminal certificates. */
  site?: string;
  /** From the SAN URI `urn:hic:project:<p>`; only for terminal certificates. */
  project?: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
  fingerprint: string;
  issuer: string;
  /** Where relying parties fetch the CRL (cRLDistributionPoints), empty when the certificate names none. */
  crlUrls: string[];
}
