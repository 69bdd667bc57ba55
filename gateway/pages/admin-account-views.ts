/**
 * The administration pages for accounts (issue 13 item 4; AUTH-2, AUTH-7, AC-5): the list, the form that adds an
 * account with its roles, and the initial password — generated, never chosen — shown once on the page that
 * answers the form (AUTH-6: it is stored only as a hash, so it can never be shown again).
 */
import { ROLES, type Account, type Role } from '../stores/types.js';
import { ADMIN_ACCOUNTS, adminAccountPath } from './admin-views.js';
import { checkboxes, listOf, postForm, selectField, table, textField, textOf } from './form-fields.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';

export const C = {
  add: { ja: 'アカウントの追加', en: 'Add an account' },
  username: { ja: 'ユーザーID', en: 'User ID' },
  name: { ja: '氏名', en: 'Name' },
  roles: { ja: '役割', en: 'Roles' },
  project: { ja: '研究課題（解析者は必須）', en: 'Project (required for an analyst)' },
  none: { ja: 'なし（スタッフ）', en: 'none (staff)' },
  status: { ja: '状態', en: 'Status' },
  created: { ja: 'アカウントを作成しました。', en: 'The account was created.' },
  passwordOnce: {
    ja: '初期パスワード（この画面でのみ表示されます。再表示はできません）',
    en: 'Initial password (shown on this screen only; it cannot be shown again)',
  },
  handOver: {
    ja: '本人に安全な方法で伝えてください。初回ログイン時にパスワードの変更と認証アプリの登録が求められます。',
    en: 'Hand it to the person by a safe channel. At first login they must change it and enrol their authenticator.',
  },
  needRole: { ja: '役割を1つ以上選んでください。', en: 'Choose at least one role.' },
  needProject: { ja: '解析者には研究課題が必要です。', en: 'An analyst needs a project.' },
} as const;

const ROLE_NAMES: Record<Role, Record<Lang, string>> = {
  analyst: { ja: '解析者', en: 'analyst' },
  helpdesk: { ja: 'ヘルプデスク', en: 'helpdesk' },
  security: { ja: 'セキュリティ', en: 'security' },
  admin: { ja: '管理者', en: 'administrator' },
  reviewer: { ja: '審査担当', en: 'reviewer' },
};

export function accountsTable(lang: Lang, accounts: Account[]): string {
  const ja = lang === 'ja';
  const head = [C.username[lang], C.name[lang], C.roles[lang], ja ? '研究課題' : 'Project', C.status[lang]];
  const rows = accounts.map((a) => [
    `<a href="${adminAccountPath(a.username)}">${esc(a.username)}</a>`,
    esc(a.displayName ?? '-'),
    esc(a.roles.map((r) => ROLE_NAMES[r][lang]).join(', ')),
    esc(a.project ?? '-'),
    esc(
      [
        a.status === 'suspended' ? (ja ? '利用停止' : 'suspended') : ja ? '有効' : 'active',
        ...(a.lockedAt !== null ? [ja ? 'ロック中' : 'locked'] : []),
        ...(a.passwordMeta.initial ? [ja ? '初回ログイン前' : 'not logged in yet'] : []),
      ].join(' / '),
    ),
  ]);
  return table('accounts', head, rows, ja ? 'アカウントはありません。' : 'No accounts.');
}

export interface AccountForm {
  username: string;
  displayName: string;
  roles: Role[];
  project: string;
}

export function sentAccount(body: Record<string, unknown> | undefined): AccountForm {
  const s = (k: string) => textOf(body, k);
  const raw = body?.['roles'];
  const roles = listOf(raw).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  return { username: s('username'), displayName: s('displayName').slice(0, 100), roles, project: s('project') };
}

export function addAccountForm(lang: Lang, csrf: string, v: AccountForm, projects: string[]): string {
  const body = `${textField('a-username', 'username', C.username[lang], v.username, 'required maxlength="64" pattern="[A-Za-z0-9._@\\-]{1,64}"')}${textField('a-name', 'displayName', C.name[lang], v.displayName, 'maxlength="100"')}${checkboxes(
    'roles',
    C.roles[lang],
    ROLES.map((r) => [r, ROLE_NAMES[r][lang]] as const),
    v.roles,
  )}${selectField('a-project', 'project', C.project[lang], [['', C.none[lang]], ...projects.map((p) => [p, p] as const)], v.project)}<button type="submit" id="account-add">${C.add[lang]}</button>`;
  return `<h2>${C.add[lang]}</h2>${postForm(ADMIN_ACCOUNTS, csrf, body, 'id="account-add-form"')}`;
}

/** The initial password, once: the answer to the form is the only page that ever holds it. */
export function passwordBox(lang: Lang, username: string, password: string): string {
  return `<section class="once" aria-labelledby="once-title"><h2 id="once-title">${esc(C.created[lang])} ${esc(username)}</h2><p>${esc(C.passwordOnce[lang])}</p><p><code class="secret" id="initial-password">${esc(password)}</code></p><p>${esc(C.handOver[lang])}</p><p><a href="${adminAccountPath(username)}">${esc(username)} →</a></p></section>`;
}
