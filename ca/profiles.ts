/**
 * Certificate profiles: what each kind of certificate this CA makes must contain, written as plain typed data.
 * CA logic builds a {@link CertificateProfile}; only `forge.ts` turns it into ASN.1. Every extension here follows
 * RFC 5280 section 4.2; the choice per kind follows the HIC guideline's "operator's own CA" (SPEC AUTH-8).
 */

/** One attribute of a distinguished name. Values are Unicode; they are encoded as UTF8String (RFC 5280 4.1.2.4). */
export interface NameAttribute {
  readonly shortName: 'C' | 'O' | 'OU' | 'CN';
  readonly value: string;
}

/** A GeneralName (RFC 5280 4.2.1.6) of the kinds this CA writes. */
export type GeneralName =
  | { readonly kind: 'dns'; readonly value: string }
  | { readonly kind: 'ip'; readonly value: string }
  | { readonly kind: 'uri'; readonly value: string };

/** Key usage bits (RFC 5280 4.2.1.3) used by this CA. */
export type KeyUsageBit = 'digitalSignature' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign';

/** Extended key usage purposes (RFC 5280 4.2.1.12) used by this CA. */
export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

/** One X.509 v3 extension, as data. */
export type ExtensionSpec =
  | { readonly name: 'basicConstraints'; readonly ca: boolean; readonly pathLen?: number }
  | { readonly name: 'keyUsage'; readonly bits: readonly KeyUsageBit[] }
  | { readonly name: 'extKeyUsage'; readonly purposes: readonly ExtendedKeyUsage[] }
  | { readonly name: 'subjectKeyIdentifier' }
  | { readonly name: 'authorityKeyIdentifier'; readonly keyIdentifierHex: string }
  | { readonly name: 'subjectAltName'; readonly names: readonly GeneralName[] }
  | { readonly name: 'cRLDistributionPoints'; readonly uris: readonly string[] };

/**
 * Everything needed to sign one certificate except the issuer, which is taken verbatim from the signing CA's
 * certificate (or equals the subject for the self-signed root) so that name chaining (RFC 5280 6.1) cannot break.
 */
export interface CertificateTemplate {
  /** Lowercase hex, positive, minimal DER length (see `serial.ts`). */
  readonly serialHex: string;
  readonly subject: readonly NameAttribute[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly ExtensionSpec[];
}

/** The kinds of certificate this CA issues. */
export type CertificateKind = 'root' | 'issuing' | 'server' | 'terminal';

/** Facts about the issuer that go into a subordinate certificate. */
export interface IssuerFacts {
  /** The issuer's subjectKeyIdentifier; copied into the child's authorityKeyIdentifier (RFC 5280 4.2.1.1). */
  readonly keyIdentifierHex: string;
}

/** What varies between two certificates of the same kind. */
export interface ProfileInput {
  readonly kind: CertificateKind;
  /** For root certificates: the root's own key identifier (self-issued, so AKI = SKI). */
  readonly issuer: IssuerFacts;
  readonly altNames?: readonly GeneralName[];
  readonly crlDistributionUrl?: string | undefined;
}

/**
 * The extensions for one certificate kind.
 *
 * - basicConstraints is critical in every certificate (RFC 5280 4.2.1.9 requires it critical in CA certificates
 *   and we mark it so in leaves too, so no relying party can mistake a leaf for a CA). pathLen 1 on the root
 *   allows exactly the one issuing CA below it; pathLen 0 on the issuing CA forbids further CAs.
 * - keyUsage is critical (RFC 5280 4.2.1.3 "SHOULD"): CAs sign certificates and CRLs only; leaves do TLS with RSA
 *   (digitalSignature for ECDHE, keyEncipherment for RSA key transport).
 * - extendedKeyUsage limits a terminal certificate to TLS client auth and a server certificate to server auth,
 *   so a stolen terminal key cannot impersonate the gateway.
 * - cRLDistributionPoints is written into leaves only: the root and issuing CA are not revoked through a CRL
 *   that this CA publishes.
 */
export function extensionsFor(input: ProfileInput): ExtensionSpec[] {
  const identifiers: ExtensionSpec[] = [
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifierHex: input.issuer.keyIdentifierHex },
  ];
  switch (input.kind) {
    case 'root':
      return [{ name: 'basicConstraints', ca: true, pathLen: 1 }, { name: 'keyUsage', bits: ['keyCertSign', 'cRLSign'] }, ...identifiers];
    case 'issuing':
      return [{ name: 'basicConstraints', ca: true, pathLen: 0 }, { name: 'keyUsage', bits: ['keyCertSign', 'cRLSign'] }, ...identifiers];
    case 'server':
    case 'terminal': {
      const leaf: ExtensionSpec[] = [
        { name: 'basicConstraints', ca: false },
        { name: 'keyUsage', bits: ['digitalSignature', 'keyEncipherment'] },
        { name: 'extKeyUsage', purposes: [input.kind === 'server' ? 'serverAuth' : 'clientAuth'] },
        ...identifiers,
      ];
      if (input.altNames !== undefined && input.altNames.length > 0) {
        leaf.push({ name: 'subjectAltName', names: input.altNames });
      }
      if (input.crlDistributionUrl !== undefined) {
        leaf.push({ name: 'cRLDistributionPoints', uris: [input.crlDistributionUrl] });
      }
      return leaf;
    }
  }
}

/** Key sizes (RSA modulus bits). CAs live for years, so they get 3072 bits (NIST SP 800-57: beyond 2030). */
export const CA_KEY_BITS = 3072;
/** Default leaf key size: 2048 bits is enough for certificates that live a year and keeps TLS handshakes cheap. */
export const LEAF_KEY_BITS = 2048;
/** The smallest RSA key accepted in a CSR. */
export const MIN_CSR_KEY_BITS = 2048;
/** The largest RSA key accepted in a CSR: bigger keys only make verification slow (a denial-of-service lever). */
export const MAX_CSR_KEY_BITS = 8192;

/** Lifetimes. */
export const ROOT_VALIDITY_YEARS = 10;
export const ISSUING_VALIDITY_YEARS = 5;
export const DEFAULT_LEAF_VALIDITY_DAYS = 365;
/**
 * Apple platforms refuse TLS server certificates valid for more than 825 days, even from a private CA, so the
 * gateway's own server certificate never asks for more.
 */
export const MAX_SERVER_VALIDITY_DAYS = 825;
/** notBefore is set this far in the past so a client whose clock runs slightly behind still accepts the certificate. */
export const BACKDATE_MS = 60_000;
