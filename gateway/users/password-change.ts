import { describePassword } from '../accounts/password-expiry.js';
import { hashPassword, verifyPassword } from '../accounts/password-hash.js';
import type { BilingualMessage } from '../accounts/password-messages.js';
import { checkPassword } from '../accounts/password-rules.js';
import type { UserDeps } from './deps.js';
import { requireAccount } from './deps.js';

export type PasswordChangeResult = { ok: true } | { ok: false; rule: string; message: BilingualMessage };

/**
 * The user changes their own password (AUTH-3): the current one must be right, the new one must pass every rule
 * (length, classes, not common, not the user id, not one of the last N — compared by hash). Only the user ever
 * knows it: staff cannot call this for someone else.
 */
export async function changePassword(deps: UserDeps, username: string, current: string, next: string): Promise<PasswordChangeResult> {
  const account = await requireAccount(deps, username);
  if (!(await verifyPassword(account.passwordHash, current, deps.hashCost))) {
    await deps.audit.security({ event: 'password-change-failed', user: username, rule: 'current-incorrect' });
    return {
      ok: false,
      rule: 'current-incorrect',
      message: { ja: '現在のパスワードが正しくありません。', en: 'The current password is incorrect.' },
    };
  }
  return setOwnPassword(deps, username, next, current);
}

/**
 * Sets a password chosen by the user (after verifying them by the current password or a reset code + TOTP).
 * The previous hash joins the history so it cannot be reused.
 */
export async function setOwnPassword(deps: UserDeps, username: string, next: string, current?: string): Promise<PasswordChangeResult> {
  const account = await requireAccount(deps, username);
  const previousHashes = [account.passwordHash, ...account.passwordHistory];
  const verdict = await checkPassword(next, {
    username,
    policy: deps.policy.password,
    previousHashes,
    ...(current !== undefined ? { currentPassword: current } : {}),
  });
  if (!verdict.ok) {
    await deps.audit.security({ event: 'password-change-failed', user: username, rule: verdict.rule });
    return verdict;
  }
  const now = deps.clock.now();
  account.passwordHash = await hashPassword(next, deps.hashCost);
  account.passwordMeta = { changedAt: now, ...describePassword(next), initial: false };
  account.passwordHistory = previousHashes.slice(0, deps.policy.password.historySize);
  await deps.stores.accounts.put(account);
  await deps.audit.security({
    event: 'password-changed',
    user: username,
    neverExpires: account.passwordMeta.hasAllClasses && account.passwordMeta.length >= deps.policy.password.neverExpireMinLength,
  });
  return { ok: true };
}
