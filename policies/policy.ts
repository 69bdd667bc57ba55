/**
 * The account-security policy of the gateway (password, lockout, session), and the loader of the HIC defaults.
 *
 * The defaults in `hic-defaults.json` are the values the guidelines prescribe (HIC GL 第5-4-i, 第5-4-ii-①;
 * MID-NET GL 別紙 2-(3)-iv k). They are validated on load by {@link validatePolicy}, which also refuses any value
 * weaker than the guideline, so an edited file cannot silently loosen the rules.
 */
import { readFileSync } from 'node:fs';
import { HicError } from '../gateway/core/errors.js';
import { validatePolicy } from './policy-validate.js';

/** A character class a password must contain (HIC GL 第5-4-i: 英字・数字・記号を混在). */
export type CharacterClass = 'letter' | 'digit' | 'symbol';

/** Password rules (HIC GL 第5-4-i; MID-NET GL 別紙 2-(3)-iv k). */
export interface PasswordPolicy {
  /** Minimum length in Unicode code points (HIC GL: 8 文字以上). */
  readonly minLength: number;
  /** Classes every password must mix. */
  readonly requireClasses: readonly CharacterClass[];
  /** Maximum age of an ordinary password (HIC GL: 2 か月ごとに変更 → 60 days). */
  readonly maxAgeDays: number;
  /** From this length on, a password mixing all classes never expires (HIC GL: 13 文字以上 … 定期的な変更は不要). */
  readonly neverExpireMinLength: number;
  /** How many previous passwords may not be reused (MID-NET k: 以前に利用したパスワードを再利用しない). */
  readonly historySize: number;
  /** Maximum age of an issued (initial) password before the user must have changed it (AUTH-2). */
  readonly initialPasswordMaxAgeDays: number;
  /** Minimum zxcvbn score 0–4 (hard to guess: no dictionary or common passwords). */
  readonly minZxcvbnScore: number;
}

/** Lockout thresholds (HIC GL 第5-4-i: 5 回連続で誤入力した場合はロック; AUTH-4). */
export interface LockoutPolicy {
  readonly maxPasswordFailures: number;
  readonly maxTotpFailures: number;
}

/** Session limits (HIC GL 第5-4-ii-①: 20 分間操作がない場合は自動ログアウト; SES-1). */
export interface SessionPolicy {
  readonly idleTimeoutSeconds: number;
  readonly absoluteLifetimeSeconds: number;
}

/** The whole account-security policy. */
export interface HicPolicy {
  readonly password: PasswordPolicy;
  readonly lockout: LockoutPolicy;
  readonly session: SessionPolicy;
}

const DEFAULTS_FILE = 'hic-defaults.json';

/**
 * Where the defaults file may be: next to this module when run from source (tests), or in the source folder
 * when run from `dist/policies/` (tsc does not copy JSON files that are not imported).
 */
const candidates = (): URL[] => [
  new URL(`./${DEFAULTS_FILE}`, import.meta.url),
  new URL(`../../policies/${DEFAULTS_FILE}`, import.meta.url),
];

/**
 * Reads and validates the HIC default policy. Synchronous: meant for start-up.
 *
 * @throws HicError `CONFIG_INVALID` if the file is missing, is not JSON, or breaks a rule of {@link validatePolicy}.
 */
export function loadDefaultPolicy(): HicPolicy {
  let lastError: unknown;
  for (const url of candidates()) {
    let text: string;
    try {
      text = readFileSync(url, 'utf8');
    } catch (err) {
      lastError = err;
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new HicError('CONFIG_INVALID', `${url.pathname}: not valid JSON`, { cause: err });
    }
    return validatePolicy(parsed, url.pathname);
  }
  return validatePolicy(undefined, `${DEFAULTS_FILE} (not found: ${String(lastError)})`);
}
