import { HicError } from '../core/errors.js';
import type { UserDeps } from './deps.js';
import { requireAccount } from './deps.js';

/**
 * Immediate suspension (SES-3: 利用停止, without notice): the account stops working and every session and open
 * connection of the user ends on every instance (pub/sub). Resumption is a separate, audited action.
 */
export async function suspendUser(deps: UserDeps, username: string, reason: string, operator: string): Promise<number> {
  if (!reason.trim()) throw new HicError('BAD_REQUEST', 'a reason is required');
  const account = await requireAccount(deps, username);
  account.status = 'suspended';
  account.suspendedAt = deps.clock.now();
  account.suspensionReason = reason;
  await deps.stores.accounts.put(account);
  const ended = await deps.sessions.endAllForUser(username, 'suspended', operator);
  await deps.audit.security({ event: 'staff-action', action: 'user.suspend', by: operator, user: username, reason, sessionsEnded: ended });
  return ended;
}

export async function resumeUser(deps: UserDeps, username: string, reason: string, operator: string): Promise<void> {
  const account = await requireAccount(deps, username);
  if (account.status !== 'suspended') throw new HicError('BAD_REQUEST', `${username} is not suspended`);
  account.status = 'active';
  delete account.suspendedAt;
  delete account.suspensionReason;
  await deps.stores.accounts.put(account);
  await deps.audit.security({ event: 'staff-action', action: 'user.resume', by: operator, user: username, reason });
}
