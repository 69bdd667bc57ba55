/**
 * The terminal register (利用端末管理簿, HIC GL 第5-1) and the certificates of the built-in CA that identify its
 * terminals (第5-4-ii-②): enrolment, renewal, revocation, listing and the CRL. Used by `hic ca …` and by the
 * staff API; neither adds rules of its own.
 */
export { publishCrl, servableCrl, crlDer, revokedEntries, CRL_REFRESH_MS } from './crl.js';
export { requireAuthority } from './deps.js';
export type { LedgerDeps, TerminalSessionEnder } from './deps.js';
export { enrolTerminal, renewTerminal } from './enrol.js';
export type { EnrolRequest, EnrolResult, RenewRequest, RenewResult } from './enrol.js';
export { TERMINAL_REVOCATION_REASONS, checkRevocationReason } from './reasons.js';
export type { TerminalRevocationReason } from './reasons.js';
export { assertTerminalIdFree, certificatesOf, checkTerminalId, findTerminal } from './register.js';
export { revokeTerminal } from './revoke.js';
export type { RevokeRequest, RevokeResult } from './revoke.js';
export { auditFieldsOf, filterTerminals, terminalView } from './views.js';
export type { TerminalFilter, TerminalView } from './views.js';
