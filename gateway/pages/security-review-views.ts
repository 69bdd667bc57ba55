/**
 * The security console's review pages (issue 13 item 3; LOG-4): the alert list with acknowledgement, the sessions
 * of a user, one session's timeline (every record of it in order: login → requests → end and why) and the
 * account page with suspend / resume.
 */
import type { ReviewedAlert } from '../audit-review/alerts.js';
import type { SessionSummary } from '../audit-review/sessions.js';
import { localTime, postForm, table, textField } from './form-fields.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';
import { PATH } from './security-views.js';

export const ALERTS_PATH = `${PATH}alerts`;
export const SESSIONS_PATH = `${PATH}sessions`;
export const SEC_USERS_PATH = `${PATH}users`;
export const sessionPath = (id: string) => `${SESSIONS_PATH}/${encodeURIComponent(id)}`;
export const secUserPath = (u: string) => `${SEC_USERS_PATH}/${encodeURIComponent(u)}`;

export const V = {
  alerts: { ja: 'アラートの確認', en: 'Alerts' },
  alertsHelp: {
    ja: '直近7日間のアラート（新しい順）。確認済みにすると、確認者と日時が監査ログに記録されます。',
    en: 'Alerts of the last 7 days, newest first. Acknowledging records who and when in the audit log.',
  },
  ack: { ja: '確認済みにする', en: 'Acknowledge' },
  note: { ja: 'メモ（任意）', en: 'Note (optional)' },
  ackBy: { ja: (by: string) => `確認済み: ${by}`, en: (by: string) => `acknowledged by ${by}` },
  already: {
    ja: (by: string) => `このアラートは ${by} が確認済みです。`,
    en: (by: string) => `This alert was already acknowledged by ${by}.`,
  },
  noAlert: { ja: '指定されたアラートは見つかりません。', en: 'No such alert.' },
  noAlerts: { ja: 'アラートはありません。', en: 'No alerts.' },
  sessions: { ja: 'セッションの経過', en: 'Session timelines' },
  sessionsHelp: {
    ja: 'ユーザーIDを入力すると、直近7日間のセッションを表示します。',
    en: 'Give a user id to see their sessions of the last 7 days.',
  },
  user: { ja: 'ユーザーID', en: 'User ID' },
  show: { ja: '表示', en: 'Show' },
  noSessions: { ja: 'セッションはありません。', en: 'No sessions.' },
  timeline: { ja: 'セッションの経過', en: 'Session timeline' },
  account: { ja: 'アカウントの状態と利用停止', en: 'Account state and suspension' },
} as const;

/** The link back to the console's search, on every review page. */
export const backToConsole = (lang: Lang): string =>
  `<p><a href="${PATH}">← ${lang === 'ja' ? '監査ログの確認' : 'Audit log review'}</a></p>`;

/** How far back the review pages look by default. */
export const REVIEW_WINDOW_MS = 7 * 86_400_000;

export function alertsTable(lang: Lang, alerts: ReviewedAlert[], csrf: string, zone: string): string {
  const h =
    lang === 'ja'
      ? ['日時', '種類', '重要度', '内容', 'ユーザー', '確認']
      : ['Time', 'Type', 'Severity', 'Summary', 'User', 'Acknowledgement'];
  const rows = alerts.map((a) => {
    const e = a.match.entry as Record<string, unknown>;
    const ack = a.ack
      ? `<span class="acked">${esc(V.ackBy[lang](a.ack.by))} ${localTime(Date.parse(a.ack.time), zone)}${a.ack.note ? ` — ${esc(a.ack.note)}` : ''}</span>`
      : postForm(
          `${ALERTS_PATH}/ack`,
          csrf,
          `<input type="hidden" name="alert" value="${esc(a.ref)}"><input type="text" name="note" maxlength="200" aria-label="${esc(V.note[lang])}" placeholder="${esc(V.note[lang])}"><button type="submit" class="ack">${V.ack[lang]}</button>`,
          'class="inline"',
        );
    const user = typeof e['user'] === 'string' ? `<a href="${secUserPath(e['user'])}">${esc(e['user'])}</a>` : '-';
    return [
      localTime(Date.parse(a.match.entry.time), zone),
      esc(e['type'] ?? '-'),
      esc(e['severity'] ?? '-'),
      esc(e['summary'] ?? '-'),
      user,
      ack,
    ];
  });
  return table('alerts', h, rows, V.noAlerts[lang]);
}

export function userForm(lang: Lang, user: string): string {
  return `<form method="get" action="${SESSIONS_PATH}" class="inline" role="search">${textField('s-user', 'user', V.user[lang], user, 'required maxlength="64"')}<button type="submit">${V.show[lang]}</button></form>`;
}

export function sessionsTable(lang: Lang, sessions: SessionSummary[], zone: string): string {
  const h =
    lang === 'ja'
      ? ['ログイン', '終了', '終了理由', '端末', 'アドレス', '要求数', '拒否', 'セッション']
      : ['Login', 'End', 'Why it ended', 'Terminal', 'Addresses', 'Requests', 'Refused', 'Session'];
  const t = (iso: string | null) => (iso ? localTime(Date.parse(iso), zone) : '-');
  const rows = [...sessions]
    .reverse()
    .map((s) => [
      t(s.loginAt),
      t(s.endAt),
      esc(s.endReason),
      esc(s.terminalId ?? '-'),
      esc(s.addresses.join(', ') || '-'),
      esc(s.requests),
      esc(s.refused),
      `<a href="${sessionPath(s.session)}">${esc(s.session.slice(0, 12))}…</a>`,
    ]);
  return table('sessions', h, rows, V.noSessions[lang]);
}
