/**
 * When a password must be changed (AUTH-2, AUTH-3; HIC GL 第5-4-i: 2 か月ごとに変更。ただし英字・数字・記号を混在させた
 * 13 文字以上のパスワードは定期的な変更を不要とする). The password itself is never kept (AUTH-6), so what the rule needs
 * — length and classes — is recorded by {@link describePassword} when it is set.
 */
import type { Clock } from '../core/clock.js';
import type { PasswordPolicy } from '../../policies/policy.js';
import { classesOf, passwordLength } from './password-classes.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What is stored about a password besides its hash. */
export interface PasswordMeta {
  /** When it was set, ms since the epoch. */
  readonly changedAt: number;
  /** Length in code points. */
  readonly length: number;
  /** Whether it mixes letters, digits and symbols. */
  readonly hasAllClasses: boolean;
  /** Issued by an administrator or the helpdesk rather than chosen by the user (AUTH-2, AUTH-5). */
  readonly initial: boolean;
}

/** The facts about a password that expiry needs; compute them when it is set, then forget the password. */
export function describePassword(pw: string): { length: number; hasAllClasses: boolean } {
  const classes = classesOf(pw);
  return {
    length: passwordLength(pw),
    hasAllClasses: classes.has('letter') && classes.has('digit') && classes.has('symbol'),
  };
}

/**
 * The first millisecond at which the password is no longer accepted, or `null` if it never expires.
 *
 * - an initial (issued) password: `changedAt + initialPasswordMaxAgeDays`, whatever its length (it must be
 *   replaced at first login anyway, AUTH-2);
 * - `neverExpireMinLength` (13) or more characters mixing letters, digits and symbols: never;
 * - otherwise: `changedAt + maxAgeDays` (60).
 */
export function passwordExpiresAt(meta: PasswordMeta, policy: PasswordPolicy): number | null {
  if (meta.initial) return meta.changedAt + policy.initialPasswordMaxAgeDays * DAY_MS;
  if (meta.hasAllClasses && meta.length >= policy.neverExpireMinLength) return null;
  return meta.changedAt + policy.maxAgeDays * DAY_MS;
}

/** True once `clock.now()` has reached {@link passwordExpiresAt}. */
export function isPasswordExpired(meta: PasswordMeta, policy: PasswordPolicy, clock: Clock): boolean {
  const expiresAt = passwordExpiresAt(meta, policy);
  return expiresAt !== null && clock.now() >= expiresAt;
}
