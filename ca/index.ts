/**
 * The built-in certificate authority (SPEC AUTH-8): the explicit public surface. Code outside `ca/` imports
 * from here only; the other files are free to change.
 */
export { initAuthority, authorityExists } from './init.js';
export { loadAuthority } from './load.js';
export { certificateFingerprint, describeCertificate } from './describe.js';
export { createCsr } from './csr.js';
export { CA_FILES } from './files.js';
export type { Pkcs12Algorithm } from './forge.js';
export type { RandomSource } from './random.js';
export type {
  Authority,
  AuthorityOptions,
  AuthorityPaths,
  CertificateDescription,
  InitOptions,
  IssuedCertificate,
  LeafKeyBits,
  RevocationReason,
  RevokedEntry,
  ServerCertificateRequest,
  TerminalCertificateRequest,
} from './types.js';
