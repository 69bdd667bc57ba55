import type { Role } from '../stores/types.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';

/** One staff area: the role that may enter, its start page, and what it offers (the portal lists these). */
export interface StaffArea {
  role: Exclude<Role, 'analyst'>;
  path: string;
  /** False while the area's pages are not built yet (its functions are in the CLI and the JSON API). */
  ready: boolean;
  label: Record<Lang, string>;
  does: Record<Lang, string>;
}

/** The staff areas in menu order (AC-5: each is its own role). */
export const STAFF_AREAS: readonly StaffArea[] = [
  {
    role: 'helpdesk',
    path: '/_hic/helpdesk/',
    ready: true,
    label: { ja: 'ヘルプデスク', en: 'Helpdesk' },
    does: {
      ja: 'アカウントの検索・状態確認、本人確認の記録、ロック解除、パスワードリセットの開始',
      en: 'Find an account and its state, record identity checks, unlock, start a password reset',
    },
  },
  {
    role: 'security',
    path: '/_hic/security/',
    ready: true,
    label: { ja: 'セキュリティ監査', en: 'Security console' },
    does: {
      ja: 'アクセスログの検索、セッションの経過、アラート、利用停止',
      en: 'Search the access log, session timelines, alerts, suspension',
    },
  },
  {
    role: 'reviewer',
    path: '/_hic/review/',
    ready: false,
    label: { ja: '持ち込み・持ち出しの審査', en: 'Import / export review' },
    does: { ja: '持ち込み・持ち出し申請の審査', en: 'Review import and export requests' },
  },
  {
    role: 'admin',
    path: '/_hic/admin/',
    ready: true,
    label: { ja: '管理', en: 'Administration' },
    does: { ja: '研究課題、アカウント、利用端末と証明書', en: 'Projects, accounts, terminals and certificates' },
  },
];

export const PORTAL_PATH = '/_hic/';

/** The staff areas a person may enter. */
export function areasOf(roles: readonly Role[]): StaffArea[] {
  return STAFF_AREAS.filter((a) => roles.includes(a.role));
}

/**
 * Where a person lands after login: an analyst in the workspace, a member of one staff role on that role's start
 * page, anyone with several roles on the portal (which lists them).
 */
export function startPageOf(roles: readonly Role[]): string {
  const areas = areasOf(roles);
  if (areas.length === 0) return '/';
  return areas.length === 1 && areas[0]!.ready && !roles.includes('analyst') ? areas[0]!.path : PORTAL_PATH;
}

/** The menu under the header of every staff page: the portal and the areas of the person's roles; the area the page is in is marked. */
export function staffMenu(lang: Lang, roles: readonly Role[], currentPath: string): string {
  const items = [{ path: PORTAL_PATH, label: { ja: 'ポータル', en: 'Portal' } }, ...areasOf(roles).filter((a) => a.ready)];
  return `<nav class="menu" aria-label="${lang === 'ja' ? 'メニュー' : 'Menu'}">${items
    .map(
      (i) =>
        `<a href="${esc(i.path)}"${i.path === currentPath || (i.path !== PORTAL_PATH && currentPath.startsWith(i.path)) ? ' aria-current="page"' : ''}>${esc(i.label[lang])}</a>`,
    )
    .join('')}</nav>`;
}
