import { generateTotpSecret, totpUri, verifyTotp } from '../accounts/totp.js';
import type { UserDeps } from './deps.js';
import { requireAccount } from './deps.js';

const PENDING_MS = 15 * 60_000;

/**
 * TOTP enrolment (AUTH-2): a new secret is offered (QR code / otpauth URI) and counts only once the user proves
 * it with a code. Until then it waits, sealed, under the enrolling session.
 */
export async function offerEnrolment(deps: UserDeps, username: string, sessionId: string): Promise<{ secret: string; uri: string }> {
  const secret = generateTotpSecret();
  await deps.stores.ephemeral.put(`enrol:${sessionId}`, deps.secretBox.seal(secret, username), PENDING_MS);
  return { secret, uri: totpUri({ secret, account: username }) };
}

/** Confirms the offered secret with a code; returns false when the code (or the offer) is wrong. */
export async function confirmEnrolment(deps: UserDeps, username: string, sessionId: string, code: string): Promise<boolean> {
  const sealed = await deps.stores.ephemeral.get(`enrol:${sessionId}`);
  if (!sealed) return false;
  const secret = deps.secretBox.open(sealed, username);
  const verdict = verifyTotp({ secret, token: code, now: deps.clock.now() });
  if (!verdict.valid || !(await deps.stores.ephemeral.claim(`totp-used:${username}:${verdict.timeStep}`, 90_000))) {
    await deps.audit.security({ event: 'totp-enrolment-failed', user: username });
    return false;
  }
  const account = await requireAccount(deps, username);
  account.totpSecretSealed = sealed;
  account.totpEnrolled = true;
  await deps.stores.accounts.put(account);
  await deps.stores.ephemeral.delete(`enrol:${sessionId}`);
  await deps.audit.security({ event: 'totp-enrolled', user: username });
  return true;
}
