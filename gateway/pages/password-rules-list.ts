import type { Lang } from './i18n.js';
import { esc } from './layout.js';

const RULES: Array<[string, Record<Lang, string>]> = [
  ['length', { ja: '8文字以上', en: 'At least 8 characters' }],
  ['letter', { ja: '英字を含む', en: 'Contains a letter' }],
  ['digit', { ja: '数字を含む', en: 'Contains a digit' }],
  ['symbol', { ja: '記号（! # % など）を含む', en: 'Contains a symbol (such as ! # %)' }],
  ['user', { ja: 'ユーザーIDを含まない', en: 'Does not contain your user ID' }],
  ['match', { ja: '確認用と一致する', en: 'Matches the confirmation' }],
];

const AFTER: Record<Lang, string> = {
  ja: '13文字以上なら定期的な変更は不要です。推測されやすいパスワードや過去5回分のパスワードは、送信後に確認され使用できません。',
  en: '13 or more characters never expire. Easily guessed passwords and your last 5 passwords are refused when you submit.',
};

/**
 * The password rules (AUTH-3) as a list that /_hic/static/password-rules.js marks met or not while the user types;
 * without the script it is simply the list of rules.
 */
export function passwordRulesList(lang: Lang, ids: { password: string; confirm: string; userField?: string; user?: string }): string {
  const attrs = `data-for="${esc(ids.password)}" data-confirm="${esc(ids.confirm)}"${ids.userField ? ` data-user-field="${esc(ids.userField)}"` : ''}${ids.user ? ` data-user="${esc(ids.user)}"` : ''}`;
  return `<ul class="rules" aria-live="polite" ${attrs}>${RULES.map(([rule, label]) => `<li data-rule="${rule}">${label[lang]}</li>`).join('')}</ul><p>${AFTER[lang]}</p>`;
}
