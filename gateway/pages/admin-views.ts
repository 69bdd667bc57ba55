/**
 * What every administration page shares (issue 13 item 4): the paths, the sub-menu (projects, accounts,
 * terminals) and the words for what a form has just done.
 */
import type { Lang } from './i18n.js';
import { esc } from './layout.js';

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
