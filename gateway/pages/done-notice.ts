/**
 * What a staff form that redirected (POST → 303 → GET, `?done=…`) has just done, said on the page it lands on.
 * Only the values listed here say anything, so a crafted link cannot put words on a staff page.
 */
import type { Lang } from './i18n.js';
import { notice } from './layout.js';

const DONE: Record<string, Record<Lang, string>> = {
  'project-added': { ja: '研究課題を登録しました。', en: 'The project was added.' },
  'project-updated': {
    ja: '研究課題を変更しました。全インスタンスに反映されます。',
    en: 'The project was changed; every instance reloads it.',
  },
  'project-ended': {
    ja: '研究課題を終了しました。アカウントは停止、専用の端末証明書は失効しました。',
    en: 'The project has ended: its accounts are suspended and its own terminals revoked.',
  },
  'project-suspended': {
    ja: '研究課題の利用を停止しました。利用者のセッションはすべて終了しました。',
    en: 'The project is suspended: every session of its members has ended.',
  },
  'project-resumed': {
    ja: '研究課題の利用を再開しました。この停止で止めたアカウントが再び使えます。',
    en: 'The project is resumed: the accounts its suspension stopped work again.',
  },
  suspended: { ja: '利用を停止しました。セッションはすべて終了しました。', en: 'Suspended: every session has ended.' },
  resumed: { ja: '利用を再開しました。', en: 'Resumed.' },
  revoked: {
    ja: '証明書を失効させました。この端末の接続はすべて切断されました。',
    en: 'The certificate was revoked and every connection of the terminal closed.',
  },
  acknowledged: {
    ja: 'アラートを確認済みにしました（監査ログに記録しました）。',
    en: 'The alert is acknowledged (recorded in the audit log).',
  },
};

export function doneNotice(lang: Lang, done: unknown): string {
  const words = typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done] : undefined;
  return words ? notice('ok', words[lang]) : '';
}
