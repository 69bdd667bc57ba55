/**
 * The suspend / resume form of an account (SES-3: 利用停止, at once and without notice; resuming is its own
 * action), with a reason, on the security console and the administration pages alike.
 */
import type { Account } from '../stores/types.js';
import { postForm, textField } from './form-fields.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';

export const S = {
  suspendTitle: { ja: '利用停止', en: 'Suspend' },
  resumeTitle: { ja: '利用再開', en: 'Resume' },
  suspendHelp: {
    ja: '直ちに利用を停止します。この利用者のすべてのセッションと接続（WebSocketを含む）が全インスタンスで終了します。',
    en: 'Stops the account at once: every session and connection of the user (WebSocket included) ends on every instance.',
  },
  reason: { ja: '理由（監査ログに記録されます）', en: 'Reason (recorded in the audit log)' },
  suspend: { ja: '利用を停止する', en: 'Suspend now' },
  resume: { ja: '利用を再開する', en: 'Resume' },
  needReason: { ja: '理由を入力してください。', en: 'Give a reason.' },
} as const;

/** The one form that fits the account's state: suspend an active account, resume a suspended one. */
export function suspensionForm(lang: Lang, csrf: string, a: Account, base: string): string {
  const suspended = a.status === 'suspended';
  const action = `${base}/${suspended ? 'resume' : 'suspend'}`;
  const title = suspended ? S.resumeTitle[lang] : S.suspendTitle[lang];
  const help = suspended ? '' : `<p>${esc(S.suspendHelp[lang])}</p>`;
  const body = `${textField('suspension-reason', 'reason', S.reason[lang], '', 'required maxlength="500"')}<button type="submit" id="${suspended ? 'resume' : 'suspend'}-submit">${suspended ? S.resume[lang] : S.suspend[lang]}</button>`;
  return `<h2>${title}</h2>${help}${postForm(action, csrf, body, 'id="suspension-form"')}`;
}
