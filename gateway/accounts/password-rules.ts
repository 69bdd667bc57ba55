/**
 * The password rule (AUTH-3; HIC GL 第5-4-i; MID-NET 別紙 2-(3)-iv k), checked when a password is set or
 * changed. Cheap rules run first; the zxcvbn check and the argon2 comparisons with old hashes run last.
 */
import type { CharacterClass, PasswordPolicy } from '../../policies/policy.js';
import { classesOf, passwordLength } from './password-classes.js';
import { passwordRuleMessage, type BilingualMessage } from './password-messages.js';
import { verifyPassword } from './password-hash.js';
import { isSimilarPassword } from './password-similarity.js';
import { passwordScore } from './password-strength.js';

/** Why a password was refused. */
export type PasswordRule =
  'too-short' | 'missing-letter' | 'missing-digit' | 'missing-symbol' | 'contains-username' | 'too-common' | 'reused';

/** The verdict of {@link checkPassword}. */
export type PasswordCheck = { ok: true } | { ok: false; rule: PasswordRule; message: BilingualMessage };

/** What {@link checkPassword} needs besides the password. */
export interface PasswordContext {
  /**
   * The user id; the password must not contain it, nor a run of 3+ letters or digits of it, forwards or
   * reversed, ignoring case and width.
   */
  readonly username: string;
  readonly policy: PasswordPolicy;
  /**
   * argon2 hashes of the current and earlier passwords, newest first. Only the first `policy.historySize` are
   * compared (MID-NET k), so a password older than that may be used again.
   */
  readonly previousHashes?: readonly string[];
  /** The current password as the user just typed it, if known: the new one must not merely vary it. */
  readonly currentPassword?: string;
}

const MISSING: Record<CharacterClass, PasswordRule> = {
  letter: 'missing-letter',
  digit: 'missing-digit',
  symbol: 'missing-symbol',
};

/** Parts of a user id shorter than this are not searched for: `ab` would forbid too many good passwords. */
const MIN_USERNAME_PART = 3;

/** The id itself, and its runs of letters or of digits: `h.sato` → `sato`, `tanaka01` → `tanaka`. */
function usernameParts(username: string): string[] {
  const id = username.normalize('NFKC').toLowerCase();
  const parts = id.match(/\p{L}+|\p{Nd}+/gu) ?? [];
  return [id, ...parts].filter((p) => [...p].length >= MIN_USERNAME_PART);
}

function containsUsername(pw: string, username: string): boolean {
  const text = pw.normalize('NFKC').toLowerCase();
  const reversed = [...text].reverse().join('');
  return usernameParts(username).some((part) => text.includes(part) || reversed.includes(part));
}

/**
 * One argon2 verification per stored hash, one after another: at the production cost each takes 64 MiB and a
 * libuv worker for ~100 ms, and running five at once would starve the thread pool the proxy's file and DNS work
 * shares. No early exit, so the time does not tell which old password matched.
 */
async function isReused(pw: string, hashes: readonly string[]): Promise<boolean> {
  let reused = false;
  for (const h of hashes) {
    if (await verifyPassword(h, pw)) reused = true;
  }
  return reused;
}

/**
 * Checks a new password against the policy; on refusal, names the first rule broken and a message for the user.
 */
export async function checkPassword(pw: string, ctx: PasswordContext): Promise<PasswordCheck> {
  const { policy } = ctx;
  const refuse = (rule: PasswordRule): PasswordCheck => ({
    ok: false,
    rule,
    message: passwordRuleMessage(rule, policy),
  });

  if (passwordLength(pw) < policy.minLength) return refuse('too-short');
  const present = classesOf(pw);
  for (const cls of policy.requireClasses) {
    if (!present.has(cls)) return refuse(MISSING[cls]);
  }
  if (containsUsername(pw, ctx.username)) return refuse('contains-username');
  if ((await passwordScore(pw, [ctx.username])) < policy.minZxcvbnScore) return refuse('too-common');
  if (ctx.currentPassword !== undefined && isSimilarPassword(pw, ctx.currentPassword)) return refuse('reused');
  if (await isReused(pw, (ctx.previousHashes ?? []).slice(0, policy.historySize))) return refuse('reused');
  return { ok: true };
}
