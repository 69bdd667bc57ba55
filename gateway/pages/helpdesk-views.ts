/**
 * What the helpdesk screen shows (issue 13 item 2): an account's state and its identity-check ledger, and the
 * forms that record an identity check together with the action it allows (unlock, reset). Nothing else: no logs,
 * no other roles' actions. Times in the configured zone, with the ISO time in a tooltip.
 */
import { passwordExpiresAt } from '../accounts/password-expiry.js';
import { formatLocal, lastDayOf, formatLocalDay } from '../core/local-time.js';
import type { HicPolicy } from '../../policies/policy.js';
import type { Account, Project, SessionRecord } from '../stores/types.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';

export const HELPDESK_PATH = '/_hic/helpdesk/';
export const accountPath = (username: string) => `${HELPDESK_PATH}users/${encodeURIComponent(username)}`;

export const W = {
  title: { ja: 'ヘルプデスク', en: 'Helpdesk' },
  find: { ja: 'アカウントを探す', en: 'Find an account' },
  query: { ja: 'ユーザーIDまたは氏名（一部でも可）', en: 'User ID or name (part of it is enough)' },
  search: { ja: '検索', en: 'Search' },
  none: { ja: '該当するアカウントはありません。', en: 'No account matches.' },
  state: { ja: '状態', en: 'State' },
  ledger: { ja: '本人確認の記録（台帳）', en: 'Identity checks (ledger)' },
  noLedger: { ja: '記録はありません。', en: 'No identity check recorded.' },
  unlock: { ja: '本人確認を記録してロックを解除', en: 'Record the identity check and unlock' },
  reset: { ja: '本人確認を記録してパスワードリセットを開始', en: 'Record the identity check and start a password reset' },
  method: { ja: '確認方法', en: 'Method' },
  document: { ja: '確認書類', en: 'Document' },
  reference: { ja: '書類番号・受付番号など（任意）', en: 'Document or ticket reference (optional)' },
  lost: { ja: '認証アプリを紛失している（管理者の承認が必要）', en: 'The authenticator is lost (an administrator must approve)' },
  verifier: { ja: '確認者', en: 'Verified by' },
  unlocked: { ja: 'ロックを解除しました。本人確認を台帳に記録しました。', en: 'Unlocked. The identity check is in the ledger.' },
  notLocked: {
    ja: 'このアカウントはロックされていません。何も変更していません（本人確認も記録していません）。',
    en: 'This account is not locked. Nothing was changed (and no identity check recorded).',
  },
  codeOnce: { ja: 'リセットコード（この画面でのみ表示されます）', en: 'Reset code (shown on this screen only)' },
  evidenceMissing: {
    ja: '確認方法と確認書類を選んでください（本人確認の記録が先です）。',
    en: 'Choose the method and the document (the identity check is recorded first).',
  },
} as const;

const METHODS: Array<[string, Record<Lang, string>]> = [
  ['in-person', { ja: '対面', en: 'In person' }],
  ['video-call', { ja: 'ビデオ通話', en: 'Video call' }],
  ['call-back', { ja: '登録電話番号への折り返し', en: 'Call-back to the registered number' }],
];
const DOCUMENTS: Array<[string, Record<Lang, string>]> = [
  ['my-number-card', { ja: 'マイナンバーカード', en: 'My Number card' }],
  ['driving-licence', { ja: '運転免許証', en: 'Driving licence' }],
  ['staff-card', { ja: '職員証・学生証', en: 'Staff or student card' }],
  ['passport', { ja: 'パスポート', en: 'Passport' }],
];
export const METHOD_VALUES = METHODS.map(([v]) => v);
export const DOCUMENT_VALUES = DOCUMENTS.map(([v]) => v);

function time(ms: number, zone: string): string {
  return `<time datetime="${new Date(ms).toISOString()}" title="${new Date(ms).toISOString()}">${esc(formatLocal(ms, zone))}</time>`;
}

export function findForm(lang: Lang, q: string): string {
  return `<h1>${W.title[lang]}</h1><h2>${W.find[lang]}</h2>
<form method="get" action="${HELPDESK_PATH}" class="inline" role="search"><label for="q">${W.query[lang]}</label><input type="search" id="q" name="q" value="${esc(q)}" maxlength="64" required><button type="submit">${W.search[lang]}</button></form>`;
}

export function matchesTable(lang: Lang, accounts: Account[]): string {
  if (accounts.length === 0) return `<p class="notice info" role="status">${W.none[lang]}</p>`;
  const h = lang === 'ja' ? ['ユーザーID', '氏名', '研究課題', '状態'] : ['User ID', 'Name', 'Project', 'State'];
  return `<table><thead><tr>${h.map((x) => `<th>${x}</th>`).join('')}</tr></thead><tbody>${accounts
    .map(
      (a) =>
        `<tr><td><a href="${esc(accountPath(a.username))}">${esc(a.username)}</a></td><td>${esc(a.displayName ?? '-')}</td><td>${esc(a.project ?? '-')}</td><td>${esc(shortState(lang, a))}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function shortState(lang: Lang, a: Account): string {
  const parts = [a.status === 'suspended' ? (lang === 'ja' ? '利用停止' : 'suspended') : lang === 'ja' ? '有効' : 'active'];
  if (a.lockedAt !== null) parts.push(lang === 'ja' ? 'ロック中' : 'locked');
  return parts.join(' / ');
}

export interface AccountFacts {
  account: Account;
  failures: { password: number; totp: number };
  sessions: SessionRecord[];
  project: Project | null;
  policy: HicPolicy;
  now: number;
  zone: string;
}

/** The account's state as a definition list: what the helpdesk needs to answer "why can't I log in?". */
export function stateList(lang: Lang, f: AccountFacts): string {
  const a = f.account;
  const ja = lang === 'ja';
  const expires = passwordExpiresAt(a.passwordMeta, f.policy.password);
  const rows: Array<[string, string]> = [
    [ja ? 'ユーザーID' : 'User ID', esc(a.username)],
    [ja ? '氏名' : 'Name', esc(a.displayName ?? '-')],
    [ja ? '役割' : 'Roles', esc(a.roles.join(', '))],
    [
      ja ? '状態' : 'Status',
      a.status === 'suspended'
        ? `${ja ? '利用停止' : 'Suspended'} ${a.suspendedAt ? time(a.suspendedAt, f.zone) : ''}（${esc(a.suspensionReason ?? '-')}）`
        : ja
          ? '有効'
          : 'Active',
    ],
    [
      ja ? 'ロック' : 'Lock',
      a.lockedAt === null ? (ja ? 'なし' : 'Not locked') : `<strong>${ja ? 'ロック中' : 'Locked'}</strong> ${time(a.lockedAt, f.zone)}`,
    ],
    [
      ja ? '連続失敗回数' : 'Consecutive failures',
      esc(
        ja
          ? `パスワード ${f.failures.password}/5、ワンタイムコード ${f.failures.totp}/5`
          : `password ${f.failures.password}/5, one-time code ${f.failures.totp}/5`,
      ),
    ],
    [
      ja ? 'パスワード' : 'Password',
      `${a.passwordMeta.initial ? (ja ? '初期パスワード（未変更）' : 'Initial password (not changed yet)') : ja ? '変更日' : 'Changed'} ${time(a.passwordMeta.changedAt, f.zone)}（${Math.floor((f.now - a.passwordMeta.changedAt) / 86_400_000)}${ja ? '日前' : ' days ago'}）${
        expires === null
          ? ja
            ? '、期限なし'
            : ', never expires'
          : `${ja ? '、期限' : ', expires'} ${time(expires, f.zone)}${expires <= f.now ? (ja ? '（期限切れ）' : ' (expired)') : ''}`
      }`,
    ],
    [ja ? '認証アプリ' : 'Authenticator', a.totpEnrolled ? (ja ? '登録済み' : 'Enrolled') : ja ? '未登録' : 'Not enrolled'],
    [
      ja ? '研究課題・利用期間' : 'Project and usage period',
      f.project
        ? `${esc(f.project.id)}: ${f.project.startsAt ? esc(formatLocalDay(f.project.startsAt, f.zone)) : '—'} 〜 ${f.project.endsAt ? esc(lastDayOf(f.project.endsAt, f.zone)) : '—'}${f.project.status === 'ended' ? (ja ? '（終了）' : ' (ended)') : ''}`
        : '-',
    ],
    [
      ja ? 'ログイン中のセッション' : 'Live sessions',
      f.sessions.length === 0
        ? ja
          ? 'なし'
          : 'None'
        : f.sessions.map((s) => `${time(s.createdAt, f.zone)} ${ja ? '端末' : 'terminal'} ${esc(s.terminalId)}`).join('<br>'),
    ],
  ];
  return `<h2>${W.state[lang]}</h2><dl class="facts">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

export function ledgerTable(lang: Lang, a: Account, zone: string): string {
  const checks = [...(a.identityChecks ?? [])].reverse();
  if (checks.length === 0) return `<h2>${W.ledger[lang]}</h2><p>${W.noLedger[lang]}</p>`;
  const h =
    lang === 'ja'
      ? ['日時', '操作', '確認者', '確認方法', '確認書類', '番号']
      : ['When', 'Action', 'Verified by', 'Method', 'Document', 'Reference'];
  const label = (list: Array<[string, Record<Lang, string>]>, v: string) => list.find(([k]) => k === v)?.[1][lang] ?? v;
  return `<h2>${W.ledger[lang]}</h2><table id="ledger"><thead><tr>${h.map((x) => `<th>${x}</th>`).join('')}</tr></thead><tbody>${checks
    .map(
      (c) =>
        `<tr><td class="time">${time(c.at, zone)}</td><td>${esc(c.action)}</td><td>${esc(c.verifiedBy)}</td><td>${esc(label(METHODS, c.method))}</td><td>${esc(label(DOCUMENTS, c.document))}</td><td>${esc(c.reference ?? '-')}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

/** The identity check fields; the verifier is the logged-in helpdesk user, never typed in. */
function evidenceFields(lang: Lang, prefix: string, verifier: string): string {
  const select = (name: string, list: Array<[string, Record<Lang, string>]>) =>
    `<select id="${prefix}-${name}" name="${name}" required><option value="">—</option>${list.map(([v, l]) => `<option value="${v}">${esc(l[lang])}</option>`).join('')}</select>`;
  return `<p>${W.verifier[lang]}: <strong>${esc(verifier)}</strong></p>
<label for="${prefix}-method">${W.method[lang]}</label>${select('method', METHODS)}
<label for="${prefix}-document">${W.document[lang]}</label>${select('document', DOCUMENTS)}
<label for="${prefix}-reference">${W.reference[lang]}</label><input type="text" id="${prefix}-reference" name="reference" maxlength="200">`;
}

export function actionForms(lang: Lang, a: Account, csrf: string, verifier: string): string {
  const field = `<input type="hidden" name="_csrf" value="${esc(csrf)}">`;
  const unlock =
    a.lockedAt !== null
      ? `<h2>${W.unlock[lang]}</h2><form method="post" action="${esc(accountPath(a.username))}/unlock">${field}${evidenceFields(lang, 'unlock', verifier)}<button type="submit" id="unlock-submit">${W.unlock[lang]}</button></form>`
      : '';
  const reset = `<h2>${W.reset[lang]}</h2><form method="post" action="${esc(accountPath(a.username))}/reset">${field}${evidenceFields(lang, 'reset', verifier)}
<label><input type="checkbox" name="lostAuthenticator" value="1"> ${W.lost[lang]}</label><button type="submit" id="reset-submit">${W.reset[lang]}</button></form>`;
  return unlock + reset;
}

/** The one-time reset code, shown once, with what to tell the user. */
export function resetCodeBox(lang: Lang, code: string, expiresAt: number, needsApproval: boolean, zone: string): string {
  const ja = lang === 'ja';
  const steps = ja
    ? [
        'ゲートウェイのログイン画面の「リセットコードをお持ちの方」（/_hic/reset）を開いてください。',
        'ユーザーID、このリセットコード、認証アプリに表示されたコードを入力してください。',
        '新しいパスワードはご自身で決めてください（ヘルプデスクは知りません）。',
      ]
    : [
        'Open "Have a reset code?" on the gateway\'s login page (/_hic/reset).',
        'Enter your user ID, this reset code and the code your authenticator app shows.',
        'Choose the new password yourself (the helpdesk never knows it).',
      ];
  if (needsApproval)
    steps[1] = ja
      ? 'ユーザーIDとこのリセットコードを入力してください（認証アプリのコードは不要。管理者の承認後に有効になります）。'
      : 'Enter your user ID and this reset code (no authenticator code; it works after an administrator approves).';
  return `<section class="hint" aria-labelledby="code-h"><h2 id="code-h">${W.codeOnce[lang]}</h2><p class="secret"><code id="reset-code">${esc(code)}</code></p>
<p>${ja ? '有効期限' : 'Valid until'}: ${time(expiresAt, zone)}</p><p>${ja ? '利用者に次のように伝えてください：' : 'Tell the user:'}</p><ol>${steps.map((s) => `<li>${esc(s)}</li>`).join('')}</ol></section>`;
}
