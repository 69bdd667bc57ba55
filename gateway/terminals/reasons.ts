/**
 * Why a terminal certificate is revoked: the RFC 5280 5.3.1 CRLReason values that make sense for a terminal.
 * certificateHold / removeFromCRL are left out on purpose: a revoked terminal never comes back (a replacement
 * is registered under a new id), and cACompromise / aACompromise concern CAs, not terminals.
 */
import { HicError } from '../core/errors.js';

export const TERMINAL_REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;

/** One of {@link TERMINAL_REVOCATION_REASONS}. */
export type TerminalRevocationReason = (typeof TERMINAL_REVOCATION_REASONS)[number];

/** Checks a reason given by an operator; the message lists the accepted ones. */
export function checkRevocationReason(reason: unknown): TerminalRevocationReason {
  if (typeof reason === 'string' && (TERMINAL_REVOCATION_REASONS as readonly string[]).includes(reason)) {
    return reason as TerminalRevocationReason;
  }
  throw new HicError(
    'BAD_REQUEST',
    `unknown revocation reason ${JSON.stringify(reason)}; use one of ${TERMINAL_REVOCATION_REASONS.join(', ')}`,
  );
}
