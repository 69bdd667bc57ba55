import type { UserDeps } from './deps.js';
import { requireAccount } from './deps.js';
import { recordIdentityCheck, requireEvidence, type IdentityEvidence } from './identity-check.js';

/**
 * Lifts a lockout (AUTH-4): only the helpdesk, only after a recorded identity check. There is no automatic unlock.
 */
export async function unlockUser(deps: UserDeps, username: string, evidence: Partial<IdentityEvidence>, operator: string): Promise<void> {
  const proof = requireEvidence(evidence);
  const account = await requireAccount(deps, username);
  const check = await recordIdentityCheck(deps, account, proof, 'unlock', operator);
  account.lockedAt = null;
  await deps.stores.accounts.put(account);
  await deps.stores.ephemeral.delete(`fail:password:${username}`);
  await deps.stores.ephemeral.delete(`fail:totp:${username}`);
  await deps.audit.security({ event: 'staff-action', action: 'user.unlock', by: operator, user: username, checkId: check.id });
}
