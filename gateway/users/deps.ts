import type { HicPolicy } from '../../policies/policy.js';
import type { HashCost } from '../accounts/password-hash.js';
import type { SecretBox } from '../accounts/secret-box.js';
import type { AuditPort } from '../core/audit-port.js';
import type { Clock } from '../core/clock.js';
import { HicError } from '../core/errors.js';
import type { SessionEnder } from '../sessions/session-ender.js';
import type { Account, Stores } from '../stores/types.js';
import { EphemeralKeys } from '../stores/ephemeral-keys.js';

/** What the account services need; both the gateway runtime and the CLI context provide it. */
export interface UserDeps {
  stores: Stores;
  clock: Clock;
  audit: AuditPort;
  secretBox: SecretBox;
  hashCost: HashCost;
  policy: HicPolicy;
  sessions: Pick<SessionEnder, 'endAllForUser' | 'endAllForTerminal'>;
}

export async function requireAccount(deps: Pick<UserDeps, 'stores'>, username: string): Promise<Account> {
  const account = await deps.stores.accounts.get(username);
  if (!account) throw new HicError('NOT_FOUND', `unknown user: ${username}`);
  return account;
}

/** The account as staff may see it: never hashes or secrets. */
export function publicAccount(a: Account): Record<string, unknown> {
  return {
    username: a.username,
    displayName: a.displayName ?? null,
    roles: a.roles,
    project: a.project,
    status: a.status,
    locked: a.lockedAt !== null,
    lockedAt: a.lockedAt ? new Date(a.lockedAt).toISOString() : null,
    passwordChangedAt: new Date(a.passwordMeta.changedAt).toISOString(),
    initialPassword: a.passwordMeta.initial,
    totpEnrolled: a.totpEnrolled,
    suspendedAt: a.suspendedAt ? new Date(a.suspendedAt).toISOString() : null,
    suspensionReason: a.suspensionReason ?? null,
    identityChecks: (a.identityChecks ?? []).map((c) => ({ ...c, at: new Date(c.at).toISOString() })),
    createdAt: new Date(a.createdAt).toISOString(),
  };
}

/** The consecutive-failure counters the login service keeps per user (AUTH-4 locks at the 5th). */
export async function failureCounts(deps: Pick<UserDeps, 'stores'>, username: string): Promise<{ password: number; totp: number }> {
  const read = async (stage: 'password' | 'totp') =>
    Number((await deps.stores.ephemeral.get(EphemeralKeys.failures.key(stage, username))) ?? '0') || 0;
  return { password: await read('password'), totp: await read('totp') };
}
