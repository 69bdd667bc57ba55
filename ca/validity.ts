/**
 * Validity periods (RFC 5280 4.1.2.5). notBefore is backdated a minute to absorb clock skew between the gateway
 * and its clients (as smallstep does); a leaf never outlives the CA that signs it, because a chain is only as
 * valid as its shortest-lived certificate and a leaf that claims more only misleads its holder.
 */
import { HicError } from '../gateway/core/errors.js';
import { BACKDATE_MS } from './profiles.js';

const DAY_MS = 86_400_000;

/** A validity window. */
export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** X.509 times carry whole seconds; dropping milliseconds here keeps the returned dates equal to the certificate's. */
function wholeSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

function checkDate(field: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new HicError('CA_ERROR', `${field} must be a valid Date`);
  }
  return value;
}

/** A CA's window: from a minute ago for `years` calendar years. */
export function caValidity(now: Date, years: number): Validity {
  const notBefore = wholeSeconds(checkDate('now', now).getTime() - BACKDATE_MS);
  const notAfter = new Date(notBefore.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  return { notBefore, notAfter };
}

/** What a caller may ask for. */
export interface LeafValidityRequest {
  readonly now: Date;
  readonly validityDays?: number | undefined;
  readonly notBefore?: Date | undefined;
  readonly notAfter?: Date | undefined;
}

/**
 * A leaf's window. Explicit `notBefore` / `notAfter` win over `validityDays` (tests make expired certificates
 * that way); the end is clipped to the issuing CA's notAfter.
 */
export function leafValidity(req: LeafValidityRequest, limits: { defaultDays: number; maxDays?: number; issuerNotAfter: Date }): Validity {
  const now = checkDate('now', req.now);
  if (now.getTime() >= limits.issuerNotAfter.getTime()) {
    throw new HicError('CA_ERROR', `the issuing CA expired on ${limits.issuerNotAfter.toISOString()}; create a new CA`);
  }
  const days = req.validityDays ?? limits.defaultDays;
  if (!Number.isInteger(days) || days < 1) {
    throw new HicError('CA_ERROR', 'validityDays must be a whole number of at least 1');
  }
  if (limits.maxDays !== undefined && days > limits.maxDays) {
    throw new HicError('CA_ERROR', `validityDays must be at most ${limits.maxDays}`);
  }
  const notBefore =
    req.notBefore === undefined ? wholeSeconds(now.getTime() - BACKDATE_MS) : wholeSeconds(checkDate('notBefore', req.notBefore).getTime());
  const requestedEnd = req.notAfter === undefined ? notBefore.getTime() + days * DAY_MS : checkDate('notAfter', req.notAfter).getTime();
  const notAfter = wholeSeconds(Math.min(requestedEnd, limits.issuerNotAfter.getTime()));
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new HicError('CA_ERROR', 'notAfter must be later than notBefore');
  }
  return { notBefore, notAfter };
}
