import { LoginThrottle } from '../login/login-throttle.js';
import type { UserDeps } from './deps.js';
import { requireAccount } from './deps.js';
import { recordIdentityCheck, requireEvidence, type IdentityEvidence } from './identity-check.js';

/**
 * Lifts a lockout (AUTH-4) and the terminal throttle for this user: only the helpdesk, only after a recorded identity
 * check. There is no automatic unlock.
 */
export async function unlockUser(deps: UserDeps, username: string, evidence: Partial<IdentityEvidence>, operator: string): Promise<void> {
  const proof = requireEvidence(evidence);
  const account = await requireAccount(deps, username);
  const check = await recordIdentityCheck(deps, account, proof, 'unlock', operator);
  account.lockedAt = null;
  await deps.stores.accounts.put(account);
  await deps.stores.ephemeral.delete(`fail:password:${username}`);
  await deps.stores.ephemeral.delete(`fail:totp:${username}`);
  // The terminal the user tried from may still be slowed down (by them or by someone else there): after the
  // identity check the user gets through at once (issue 11 item 5); the alert that was raised stays in the log.
  await new LoginThrottle(deps.stores.ephemeral, deps.clock).grantPass(username);
  await deps.audit.security({ event: 'staff-action', action: 'user.unlock', by: operator, user: username, checkId: check.id });
}
