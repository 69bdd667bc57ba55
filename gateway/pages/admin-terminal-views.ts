/**
 * The administration pages for terminals (利用端末管理簿, HIC GL 第5-1; certificates of the built-in CA, 第5-4-ii-②;
 * issue 13 item 4): the register with each certificate's expiry, the issue form, the answer that offers the
 * PKCS#12 bundle for one download with its password shown once, and revocation with an RFC 5280 reason.
 */
import type { Terminal } from '../stores/types.js';
import { certificatesOf } from '../terminals/register.js';
import { TERMINAL_REVOCATION_REASONS } from '../terminals/reasons.js';
import { ADMIN_TERMINALS, terminalPath } from './admin-views.js';
import { checkboxes, listOf, localTime, postForm, selectField, table, textField, textOf } from './form-fields.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';

const DAY_MS = 86_400_000;

export const R = {
  issue: { ja: '端末の登録と証明書の発行', en: 'Register a terminal and issue its certificate' },
  id: { ja: '端末ID', en: 'Terminal id' },
  site: { ja: '設置場所（拠点）', en: 'Site' },
  projects: { ja: '利用する研究課題（なし＝スタッフ用端末）', en: 'Projects (none = a staff terminal)' },
  validity: { ja: '有効日数', en: 'Valid for (days)' },
  requestedBy: { ja: '申請者', en: 'Requested by' },
  note: { ja: '備考', en: 'Note' },
  status: { ja: '状態', en: 'Status' },
  serial: { ja: 'シリアル', en: 'Serial' },
  fingerprint: { ja: '証明書指紋', en: 'Fingerprint' },
  notAfter: { ja: '有効期限', en: 'Valid until' },
  daysLeft: { ja: '残り日数', en: 'Days left' },
  revoked: { ja: '失効', en: 'Revoked' },
  active: { ja: '有効', en: 'active' },
  expired: { ja: '期限切れ', en: 'expired' },
  issued: { ja: '証明書を発行しました。', en: 'The certificate was issued.' },
  once: {
    ja: 'PKCS#12ファイルは1回だけダウンロードできます（15分以内）。パスワードはこの画面でのみ表示されます。ファイルとパスワードは別々の経路で端末の担当者に渡してください。',
    en: "The PKCS#12 file can be downloaded once (within 15 minutes). Its password is shown on this screen only. Hand the file and the password to the terminal's keeper by separate channels.",
  },
  p12Password: { ja: 'PKCS#12のパスワード', en: 'PKCS#12 password' },
  download: { ja: 'PKCS#12をダウンロード（1回限り）', en: 'Download the PKCS#12 (once)' },
  gone: {
    ja: 'このPKCS#12ファイルはすでにダウンロードされたか、期限が切れました。再発行が必要な場合は証明書を更新してください。',
    en: 'This PKCS#12 file was already downloaded or has expired. Renew the certificate if a new one is needed.',
  },
  revoke: { ja: '証明書の失効', en: 'Revoke the certificate' },
  revokeHelp: {
    ja: '失効は取り消せません。この端末の接続はすべて直ちに切断されます。',
    en: 'Revocation is final; every connection of the terminal is closed at once.',
  },
  reason: { ja: '理由（RFC 5280）', en: 'Reason (RFC 5280)' },
  revokeButton: { ja: '失効させる', en: 'Revoke' },
  history: { ja: '証明書の履歴', en: 'Certificate history' },
  all: { ja: 'すべて', en: 'All' },
  expiring: { ja: '30日以内に期限切れ', en: 'Expiring within 30 days' },
} as const;

const REASONS: Record<string, Record<Lang, string>> = {
  unspecified: { ja: '理由なし', en: 'unspecified' },
  keyCompromise: { ja: '鍵の漏えい・端末の紛失', en: 'key compromise / lost terminal' },
  affiliationChanged: { ja: '所属の変更', en: 'affiliation changed' },
  superseded: { ja: '置き換え', en: 'superseded' },
  cessationOfOperation: { ja: '利用終了', en: 'cessation of operation' },
  privilegeWithdrawn: { ja: '利用資格の取消し', en: 'privilege withdrawn' },
};

export function registerFilters(lang: Lang, current: string): string {
  const items: Array<[string, string]> = [
    ['', R.all[lang]],
    ['status=active', R.active[lang]],
    ['status=revoked', R.revoked[lang]],
    ['expiring=30', R.expiring[lang]],
  ];
  return `<p class="quick">${items.map(([q, l]) => (q === current ? `<strong>${esc(l)}</strong>` : `<a href="${ADMIN_TERMINALS}${q ? `?${q}` : ''}">${esc(l)}</a>`)).join(' · ')}</p>`;
}

export function registerTable(lang: Lang, terminals: Terminal[], now: number, zone: string): string {
  const head = [
    R.id[lang],
    R.site[lang],
    lang === 'ja' ? '研究課題' : 'Projects',
    R.status[lang],
    R.serial[lang],
    R.fingerprint[lang],
    R.notAfter[lang],
    R.daysLeft[lang],
  ];
  const rows = terminals.map((t) => {
    const status =
      t.status === 'revoked'
        ? `${R.revoked[lang]}${lang === 'ja' ? '（' : ' ('}${t.revocationReason ?? '-'}${lang === 'ja' ? '）' : ')'}`
        : t.notAfter <= now
          ? R.expired[lang]
          : R.active[lang];
    return [
      `<a href="${terminalPath(t.id)}">${esc(t.id)}</a>`,
      esc(t.site),
      esc(t.projects.join(', ') || (lang === 'ja' ? 'スタッフ用' : 'staff')),
      esc(status),
      `<code>${esc(t.serial)}</code>`,
      `<code title="${esc(t.fingerprint)}">${esc(t.fingerprint.slice(0, 16))}…</code>`,
      localTime(t.notAfter, zone),
      esc(Math.floor((t.notAfter - now) / DAY_MS)),
    ];
  });
  return table('register', head, rows, lang === 'ja' ? '登録された端末はありません。' : 'No terminals registered.');
}

export interface IssueForm {
  terminal: string;
  site: string;
  projects: string[];
  validityDays: string;
  requestedBy: string;
  note: string;
}

export function sentIssue(body: Record<string, unknown> | undefined): IssueForm {
  const s = (k: string) => textOf(body, k);
  const raw = body?.['projects'];
  return {
    terminal: s('terminal'),
    site: s('site'),
    projects: listOf(raw),
    validityDays: s('validityDays'),
    requestedBy: s('requestedBy'),
    note: s('note').slice(0, 500),
  };
}

export function issueForm(lang: Lang, csrf: string, v: IssueForm, projects: string[]): string {
  const body = `${textField('t-id', 'terminal', R.id[lang], v.terminal, 'required maxlength="64"')}${textField('t-site', 'site', R.site[lang], v.site, 'required maxlength="64"')}${checkboxes(
    'projects',
    R.projects[lang],
    projects.map((p) => [p, p] as const),
    v.projects,
  )}${textField('t-validity', 'validityDays', R.validity[lang], v.validityDays || '365', 'inputmode="numeric" pattern="[0-9]{1,3}"')}${textField('t-requested', 'requestedBy', R.requestedBy[lang], v.requestedBy, 'maxlength="64"')}${textField('t-note', 'note', R.note[lang], v.note, 'maxlength="500"')}<button type="submit" id="terminal-issue">${R.issue[lang]}</button>`;
  return `<h2>${R.issue[lang]}</h2>${postForm(ADMIN_TERMINALS, csrf, body, 'id="terminal-issue-form"')}`;
}

/** The answer to the issue form: the password once and the one download (a POST: no prefetch can spend it). */
export function issuedBox(lang: Lang, csrf: string, t: Terminal, token: string, password: string): string {
  const download = postForm(
    `${terminalPath(t.id)}/bundle`,
    csrf,
    `<input type="hidden" name="token" value="${esc(token)}"><button type="submit" id="bundle-download">${R.download[lang]}</button>`,
    'id="bundle-form"',
  );
  return `<section class="once" aria-labelledby="once-title"><h2 id="once-title">${esc(R.issued[lang])} ${esc(t.id)}</h2><p>${esc(R.once[lang])}</p><p>${esc(R.p12Password[lang])}: <code class="secret" id="p12-password">${esc(password)}</code></p>${download}<p><a href="${terminalPath(t.id)}">${esc(t.id)} →</a></p></section>`;
}

export function terminalFacts(lang: Lang, t: Terminal, now: number, zone: string): string {
  const history = certificatesOf(t).map((c) => [
    `<code>${esc(c.serial)}</code>`,
    `<code title="${esc(c.fingerprint)}">${esc(c.fingerprint.slice(0, 16))}…</code>`,
    localTime(c.issuedAt, zone),
    localTime(c.notAfter, zone),
    esc(c.status),
    c.revokedAt ? `${localTime(c.revokedAt, zone)} ${esc(c.revocationReason ?? '')}` : '-',
  ]);
  const h =
    lang === 'ja'
      ? [R.serial.ja, R.fingerprint.ja, '発行', R.notAfter.ja, R.status.ja, R.revoked.ja]
      : [R.serial.en, R.fingerprint.en, 'Issued', R.notAfter.en, R.status.en, R.revoked.en];
  return `${registerTable(lang, [t], now, zone)}<h2>${R.history[lang]}</h2>${table('certificates', h, history, '-')}`;
}

export function revokeForm(lang: Lang, csrf: string, t: Terminal): string {
  if (t.status === 'revoked') return '';
  const body = `<p>${esc(R.revokeHelp[lang])}</p>${selectField(
    'r-reason',
    'reason',
    R.reason[lang],
    TERMINAL_REVOCATION_REASONS.map((r) => [r, `${REASONS[r]![lang]} (${r})`] as const),
    'keyCompromise',
  )}${textField('r-note', 'note', R.note[lang], '', 'maxlength="500"')}<button type="submit" id="terminal-revoke">${R.revokeButton[lang]}</button>`;
  return `<h2>${R.revoke[lang]}</h2>${postForm(`${terminalPath(t.id)}/revoke`, csrf, body, 'id="revoke-form"')}`;
}
