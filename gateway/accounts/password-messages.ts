/**
 * What the user is told when a new password is refused, in Japanese and English. Telling which rule failed is
 * safe here: the user is choosing a password, not guessing one.
 */
import type { PasswordPolicy } from '../../policies/policy.js';
import type { PasswordRule } from './password-rules.js';

/** A message in both languages of the gateway's pages. */
export interface BilingualMessage {
  readonly ja: string;
  readonly en: string;
}

/** The message for each refused rule, with the numbers of the active policy filled in. */
export function passwordRuleMessage(rule: PasswordRule, policy: PasswordPolicy): BilingualMessage {
  switch (rule) {
    case 'too-short':
      return {
        ja: `パスワードは${policy.minLength}文字以上にしてください。`,
        en: `The password must be at least ${policy.minLength} characters long.`,
      };
    case 'missing-letter':
      return { ja: 'パスワードに英字を含めてください。', en: 'The password must contain a letter.' };
    case 'missing-digit':
      return { ja: 'パスワードに数字を含めてください。', en: 'The password must contain a digit.' };
    case 'missing-symbol':
      return {
        ja: 'パスワードに記号（! # % など）を含めてください。',
        en: 'The password must contain a symbol (such as ! # %).',
      };
    case 'contains-username':
      return {
        ja: 'パスワードにユーザーIDを含めないでください。',
        en: 'The password must not contain your user ID.',
      };
    case 'too-common':
      return {
        ja: 'このパスワードは推測されやすいため使用できません。よく使われる語や並びを避けてください。',
        en: 'This password is too easy to guess. Avoid common words and patterns.',
      };
    case 'reused':
      return {
        ja: `直近${policy.historySize}回に使用したパスワードや、現在のパスワードと似たパスワードは使用できません。`,
        en: `The password must differ from your last ${policy.historySize} passwords and not resemble the current one.`,
      };
  }
}
