import { LoginThrottle } from '../login/login-throttle.js';
import { HicError } from '../core/errors.js';
import type { UserDeps } from './deps.js';
import { requireAccount } from './deps.js';
import { recordIdentityCheck, requireEvidence, type IdentityEvidence } from './identity-check.js';
import { EphemeralKeys } from '../stores/ephemeral-keys.js';

/**
 * Lifts a lockout (AUTH-4) and the terminal throttle for this user: only the helpdesk, only after a recorded identity
 * check. There is no automatic unlock. An account that is not locked is refused with NOT_LOCKED (nothing changes and
 * no ledger entry is written), so the helpdesk is never told "unlocked" when there was nothing to unlock; the attempt
 * itself is audited (LOG-6).
 */
export async function unlockUser(deps: UserDeps, username: string, evidence: Partial<IdentityEvidence>, operator: string): Promise<void> {
  const proof = requireEvidence(evidence);
  const account = await requireAccount(deps, username);
  if (account.lockedAt === null) {
    await deps.audit.security({ event: 'staff-action', action: 'user.unlock', by: operator, user: username, outcome: 'not-locked' });
    throw new HicError('NOT_LOCKED', `${username} is not locked: nothing was changed and no identity check was recorded`);
  }
  const check = await recordIdentityCheck(deps, account, proof, 'unlock', operator);
  account.lockedAt = null;
  await deps.stores.accounts.put(account);
  await deps.stores.ephemeral.delete(EphemeralKeys.failures.key('password', username));
  await deps.stores.ephemeral.delete(EphemeralKeys.failures.key('totp', username));
  // The terminal the user tried from may still be slowed down (by them or by someone else there): after the
  // identity check the user gets through at once (issue 11 item 5); the alert that was raised stays in the log.
  await new LoginThrottle(deps.stores.ephemeral, deps.clock).grantPass(username);
  await deps.audit.security({ event: 'staff-action', action: 'user.unlock', by: operator, user: username, checkId: check.id });
}
