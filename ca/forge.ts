/**
 * The only file that touches node-forge, so the library can be audited or replaced in one place. It turns typed
 * profiles into DER and parses certificates and CSRs back into plain data. Private keys stay Node `KeyObject`s: signatures are made by
 * OpenSSL through `crypto.sign`, which is much faster than forge's pure-JS RSA.
 *
 * node-forge is CommonJS and its type declarations have no default export, so it is loaded with `createRequire`
 * (a default import type-checks only with `esModuleInterop`, which this project keeps off).
 */
import { createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Forge from 'node-forge';
import { HicError } from '../gateway/core/errors.js';
import type { CertificateTemplate, ExtendedKeyUsage, ExtensionSpec, GeneralName, NameAttribute } from './profiles.js';

const forge = createRequire(import.meta.url)('node-forge') as typeof Forge;
const { asn1, pki, util } = forge;

/** forge keeps `getTBSCertificate` public but its type declarations omit it. */
const pkiInternals = pki as unknown as { getTBSCertificate(cert: Forge.pki.Certificate): Forge.asn1.Asn1 };

const UTF8_STRING = 12;
const BMP_STRING = 30;

/** One attribute of a parsed name, with its value decoded to a JS string. */
export interface ParsedAttribute {
  readonly oid: string;
  readonly shortName: string | undefined;
  readonly value: string;
}

/** The parts of a certificate this CA reads back. */
export interface ParsedCertificate {
  readonly der: Buffer;
  /** Attributes in DER order (most general first). */
  readonly subject: readonly ParsedAttribute[];
  readonly issuer: readonly ParsedAttribute[];
  /** Lowercase hex as encoded (a leading 00 octet that keeps the INTEGER positive is dropped). */
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectKeyIdentifierHex: string | undefined;
  readonly extKeyUsage: readonly ExtendedKeyUsage[];
  readonly uris: readonly string[];
  /** The URIs of the cRLDistributionPoints extension (RFC 5280 4.2.1.13), empty without one. */
  readonly crlUrls: readonly string[];
}

/** A CSR after parsing; `signatureValid` is false for a forged or tampered request. */
export interface ParsedCsr {
  readonly publicKey: KeyObject;
  readonly modulusBits: number;
  readonly publicExponent: bigint;
  readonly signatureAlgorithm: string;
  readonly signatureValid: boolean;
}

const binary = (buf: Buffer): string => buf.toString('binary');
const fromBinary = (bytes: string): Buffer => Buffer.from(bytes, 'binary');

function toForgePublicKey(key: KeyObject): Forge.pki.PublicKey {
  return pki.publicKeyFromPem(key.export({ type: 'spki', format: 'pem' }).toString());
}

function toForgePrivateKey(key: KeyObject): Forge.pki.rsa.PrivateKey {
  return pki.privateKeyFromPem(key.export({ type: 'pkcs8', format: 'pem' }).toString());
}

function decodeValue(attr: { value?: unknown; valueTagClass?: unknown }): string {
  const raw = typeof attr.value === 'string' ? attr.value : '';
  if (attr.valueTagClass === UTF8_STRING) return util.decodeUtf8(raw);
  if (attr.valueTagClass === BMP_STRING) return fromBinary(raw).swap16().toString('utf16le');
  return raw;
}

function parseName(attrs: readonly Forge.pki.CertificateField[]): ParsedAttribute[] {
  return attrs.map((a) => ({ oid: a.type ?? '', shortName: a.shortName, value: decodeValue(a) }));
}

/** UTF8String for every value: RFC 5280 4.1.2.4 says new certificates MUST use it (PrintableString can't hold 'ä'). */
function toForgeName(attrs: readonly NameAttribute[]): Forge.pki.CertificateField[] {
  return attrs.map((a) => ({ shortName: a.shortName, value: a.value, valueTagClass: UTF8_STRING as Forge.asn1.Class }));
}

/** Copies a CA's subject so the child's issuer field matches it attribute for attribute. */
function copyName(attrs: readonly Forge.pki.CertificateField[]): Forge.pki.CertificateField[] {
  return attrs.map((a) => ({
    type: a.type,
    value: decodeValue(a),
    ...(a.valueTagClass !== undefined ? { valueTagClass: a.valueTagClass } : {}),
  }));
}

function generalName(name: GeneralName): Record<string, unknown> {
  switch (name.kind) {
    case 'dns':
      return { type: 2, value: name.value };
    case 'uri':
      return { type: 6, value: name.value };
    case 'ip':
      return { type: 7, ip: name.value };
  }
}

/** Translates one typed extension into forge's extension object; criticality per RFC 5280 4.2.1.3 / 4.2.1.9. */
function forgeExtension(ext: ExtensionSpec): Record<string, unknown> {
  switch (ext.name) {
    case 'basicConstraints':
      return {
        name: ext.name,
        critical: true,
        cA: ext.ca,
        ...(ext.pathLen !== undefined ? { pathLenConstraint: ext.pathLen } : {}),
      };
    case 'keyUsage':
      return { name: ext.name, critical: true, ...Object.fromEntries(ext.bits.map((b) => [b, true])) };
    case 'extKeyUsage':
      return { name: ext.name, ...Object.fromEntries(ext.purposes.map((p) => [p, true])) };
    case 'subjectKeyIdentifier':
      // forge computes it as the SHA-1 of the subjectPublicKey bits: RFC 5280 4.2.1.2 method (1).
      return { name: ext.name };
    case 'authorityKeyIdentifier':
      return { name: ext.name, keyIdentifier: util.hexToBytes(ext.keyIdentifierHex) };
    case 'subjectAltName':
      return { name: ext.name, altNames: ext.names.map(generalName) };
    case 'cRLDistributionPoints':
      return { name: ext.name, altNames: ext.uris.map((value) => ({ type: 6, value })) };
  }
}

/**
 * Builds and signs an X.509 v3 certificate (sha256WithRSAEncryption).
 * @param issuerCertPem the signing CA's certificate; omit for a self-signed root (issuer = subject).
 */
export function signCertificate(
  template: CertificateTemplate,
  subjectPublicKey: KeyObject,
  signingKey: KeyObject,
  issuerCertPem?: string,
): { pem: string; der: Buffer } {
  try {
    const cert = pki.createCertificate();
    cert.version = 2; // v3
    cert.serialNumber = template.serialHex;
    cert.validity.notBefore = template.notBefore;
    cert.validity.notAfter = template.notAfter;
    cert.publicKey = toForgePublicKey(subjectPublicKey);
    cert.setSubject(toForgeName(template.subject));
    cert.setIssuer(
      issuerCertPem === undefined ? toForgeName(template.subject) : copyName(pki.certificateFromPem(issuerCertPem).subject.attributes),
    );
    cert.setExtensions(template.extensions.map(forgeExtension));
    cert.signatureOid = cert.siginfo.algorithmOid = pki.oids['sha256WithRSAEncryption'] as string;
    cert.tbsCertificate = pkiInternals.getTBSCertificate(cert);
    const tbs = fromBinary(asn1.toDer(cert.tbsCertificate).getBytes());
    cert.signature = binary(sign('sha256', tbs, signingKey));
    const der = fromBinary(asn1.toDer(pki.certificateToAsn1(cert)).getBytes());
    return { pem: pki.certificateToPem(cert).replace(/\r\n/g, '\n'), der };
  } catch (err) {
    if (err instanceof HicError) throw err;
    throw new HicError('CA_ERROR', `could not build the certificate: ${(err as Error).message}`, { cause: err });
  }
}

function extensionOf(cert: Forge.pki.Certificate, name: string): Record<string, unknown> | undefined {
  return cert.getExtension(name) as Record<string, unknown> | undefined;
}

/**
 * Parses a PEM certificate with an RSA key (the only kind this CA issues). `der` is the PEM body exactly as
 * sent, not forge's re-encoding, so fingerprints match what a TLS peer presents.
 */
export function parseCertificate(pem: string): ParsedCertificate {
  let cert: Forge.pki.Certificate;
  let der: Buffer;
  try {
    const block = forge.pem.decode(pem).find((m) => m.type === 'CERTIFICATE');
    if (block === undefined) throw new Error('no CERTIFICATE block');
    der = fromBinary(block.body);
    cert = pki.certificateFromAsn1(asn1.fromDer(block.body));
  } catch (err) {
    const rsa = /OID is not RSA/.test((err as Error).message);
    const detail = rsa ? 'the certificate has a non-RSA key, so this CA did not issue it' : 'not a PEM X.509 certificate';
    throw new HicError('CA_ERROR', detail, { cause: err });
  }
  const eku = extensionOf(cert, 'extKeyUsage');
  const san = extensionOf(cert, 'subjectAltName');
  const ski = extensionOf(cert, 'subjectKeyIdentifier');
  const altNames = (san?.['altNames'] ?? []) as { type: number; value: string }[];
  const skiHex = ski?.['subjectKeyIdentifier'];
  return {
    der,
    subject: parseName(cert.subject.attributes),
    issuer: parseName(cert.issuer.attributes),
    serialHex: cert.serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, ''),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    subjectKeyIdentifierHex: typeof skiHex === 'string' ? skiHex.toLowerCase() : undefined,
    extKeyUsage: (['serverAuth', 'clientAuth'] as const).filter((p) => eku?.[p] === true),
    uris: altNames.filter((n) => n.type === 6).map((n) => n.value),
    crlUrls: crlUrlsOf(extensionOf(cert, 'cRLDistributionPoints')),
  };
}

/** forge keeps this extension as raw DER: collect every uniformResourceIdentifier ([6] IA5String) inside it. */
function crlUrlsOf(ext: Record<string, unknown> | undefined): string[] {
  const raw = ext?.['value'];
  if (typeof raw !== 'string') return [];
  const urls: string[] = [];
  const walk = (node: Forge.asn1.Asn1): void => {
    if (node.tagClass === asn1.Class.CONTEXT_SPECIFIC && node.type === 6 && typeof node.value === 'string') urls.push(node.value);
    else if (Array.isArray(node.value)) node.value.forEach(walk);
  };
  try {
    walk(asn1.fromDer(raw));
  } catch {
    return [];
  }
  return urls;
}

/** The DER of a certificate's subject Name, byte for byte (the CRL issuer must match it, RFC 5280 5.1.2.3). */
export function subjectNameDer(certDer: Buffer): Buffer {
  const certificate = asn1.fromDer(binary(certDer));
  const tbs = (certificate.value as Forge.asn1.Asn1[])[0] as Forge.asn1.Asn1;
  const fields = tbs.value as Forge.asn1.Asn1[];
  // TBSCertificate starts with an optional [0] version; the subject is the 5th field after it (RFC 5280 4.1).
  const hasVersion = fields[0]?.tagClass === asn1.Class.CONTEXT_SPECIFIC;
  const subject = fields[hasVersion ? 5 : 4];
  if (subject === undefined) throw new HicError('CA_ERROR', 'the CA certificate has no subject');
  return fromBinary(asn1.toDer(subject).getBytes());
}

/**
 * Parses a PKCS#10 request and checks its self-signature (proof that the requester holds the private key).
 * forge reads RSA keys only; any other key type gets a clear message rather than forge's internal one.
 */
export function parseCsr(pem: string): ParsedCsr {
  if (!/-----BEGIN CERTIFICATE REQUEST-----/.test(pem)) {
    throw new HicError('CA_ERROR', 'the CSR is not PEM text starting with -----BEGIN CERTIFICATE REQUEST-----');
  }
  let csr: Forge.pki.CertificateSigningRequest;
  try {
    csr = pki.certificationRequestFromPem(pem, true);
  } catch (err) {
    if (/OID is not RSA/.test((err as Error).message)) {
      const detail = 'the CSR key is not RSA; only RSA keys of 2048 bits or more are accepted';
      throw new HicError('CA_ERROR', detail, { cause: err });
    }
    throw new HicError('CA_ERROR', 'the CSR could not be parsed as PKCS#10', { cause: err });
  }
  const rsaKey = csr.publicKey as Forge.pki.rsa.PublicKey | null;
  if (rsaKey === null) throw new HicError('CA_ERROR', 'the CSR has no public key');
  let signatureValid = false;
  try {
    signatureValid = csr.verify();
  } catch {
    signatureValid = false; // unknown or malformed signature algorithm: treated as unverifiable
  }
  const algorithmOid = csr.signatureOid ?? '';
  return {
    publicKey: createPublicKey(pki.publicKeyToPem(rsaKey)),
    modulusBits: rsaKey.n.bitLength(),
    publicExponent: BigInt(`0x${rsaKey.e.toString(16)}`),
    signatureAlgorithm: (pki.oids[algorithmOid] as string | undefined) ?? algorithmOid,
    signatureValid,
  };
}

/** Makes a PKCS#10 request with the subject CN only, signed with SHA-256. */
export function createCsrPem(commonName: string, privateKey: KeyObject): string {
  const csr = pki.createCertificationRequest();
  csr.publicKey = toForgePublicKey(createPublicKey(privateKey));
  csr.setSubject(toForgeName([{ shortName: 'CN', value: commonName }]));
  csr.sign(toForgePrivateKey(privateKey), forge.md.sha256.create());
  return pki.certificationRequestToPem(csr).replace(/\r\n/g, '\n');
}

/** PKCS#12 algorithms forge can write and OpenSSL 3 opens without `-legacy`. */
export type Pkcs12Algorithm = 'aes256' | '3des';

/**
 * Builds a password-protected PKCS#12 (RFC 7292) holding the key and the chain, leaf first. The friendlyName is
 * what browsers and the Windows certificate store show when the user picks a certificate.
 */
export function buildPkcs12(opts: {
  privateKey: KeyObject;
  chainPems: readonly string[];
  password: string;
  friendlyName: string;
  algorithm: Pkcs12Algorithm;
}): Buffer {
  const asn = forge.pkcs12.toPkcs12Asn1(
    toForgePrivateKey(opts.privateKey),
    opts.chainPems.map((pem) => pki.certificateFromPem(pem)),
    opts.password,
    // 2048 iterations is OpenSSL's own default; the generated passwords carry 144 bits, so stretching adds nothing.
    { algorithm: opts.algorithm, friendlyName: opts.friendlyName, count: 2048, generateLocalKeyId: true },
  );
  return fromBinary(asn1.toDer(asn).getBytes());
}
