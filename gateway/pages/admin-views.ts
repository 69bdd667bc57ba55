/**
 * What every administration page shares (issue 13 item 4): the paths, the sub-menu (projects, accounts,
 * terminals) and the words for what a form has just done.
 */
import type { Lang } from './i18n.js';
import { esc, notice } from './layout.js';

export const ADMIN_PATH = '/_hic/admin/';
export const ADMIN_PROJECTS = `${ADMIN_PATH}projects`;
export const ADMIN_ACCOUNTS = `${ADMIN_PATH}accounts`;
export const ADMIN_TERMINALS = `${ADMIN_PATH}terminals`;

export const projectPath = (id: string) => `${ADMIN_PROJECTS}/${encodeURIComponent(id)}`;
export const adminAccountPath = (username: string) => `${ADMIN_ACCOUNTS}/${encodeURIComponent(username)}`;
export const terminalPath = (id: string) => `${ADMIN_TERMINALS}/${encodeURIComponent(id)}`;

export const A = {
  title: { ja: '管理', en: 'Administration' },
  projects: { ja: '研究課題', en: 'Projects' },
  accounts: { ja: 'アカウント', en: 'Accounts' },
  terminals: { ja: '利用端末と証明書', en: 'Terminals and certificates' },
  recorded: { ja: 'この画面での操作はすべて監査ログに記録されます。', en: 'Every action on these pages is recorded in the audit log.' },
  save: { ja: '保存', en: 'Save' },
  back: { ja: '一覧へ戻る', en: 'Back to the list' },
  none: { ja: '登録はありません。', en: 'Nothing registered.' },
} as const;

const SECTIONS = [
  { path: ADMIN_PROJECTS, label: A.projects },
  { path: ADMIN_ACCOUNTS, label: A.accounts },
  { path: ADMIN_TERMINALS, label: A.terminals },
] as const;

/** The sub-menu of the administration pages, the current section marked. */
export function adminNav(lang: Lang, current: string): string {
  return `<nav class="sub" aria-label="${esc(A.title[lang])}">${SECTIONS.map((s) => `<a href="${s.path}"${current.startsWith(s.path) ? ' aria-current="page"' : ''}>${esc(s.label[lang])}</a>`).join('')}</nav>`;
}

/** What the form that redirected here did (`?done=…`); unknown values say nothing. */
const DONE: Record<string, Record<Lang, string>> = {
  'project-added': { ja: '研究課題を登録しました。', en: 'The project was added.' },
  'project-updated': { ja: '研究課題を変更しました。全インスタンスに反映されます。', en: 'The project was changed; every instance reloads it.' },
  'project-ended': { ja: '研究課題を終了しました。アカウントは停止、専用の端末証明書は失効しました。', en: 'The project has ended: its accounts are suspended and its own terminals revoked.' },
  suspended: { ja: '利用を停止しました。セッションはすべて終了しました。', en: 'Suspended: every session has ended.' },
  resumed: { ja: '利用を再開しました。', en: 'Resumed.' },
  revoked: { ja: '証明書を失効させました。この端末の接続はすべて切断されました。', en: 'The certificate was revoked and every connection of the terminal closed.' },
  acknowledged: { ja: 'アラートを確認済みにしました（監査ログに記録しました）。', en: 'The alert is acknowledged (recorded in the audit log).' },
};

export function doneNotice(lang: Lang, done: unknown): string {
  const words = typeof done === 'string' ? DONE[done] : undefined;
  return words ? notice('ok', words[lang]) : '';
}
