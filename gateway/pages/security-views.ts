/**
 * What the security console shows (issue 13 item 3): the search form with lists and zone-local date-time fields,
 * the results newest first with local times (ISO in a tooltip), staff actions with actor and action, terminal id
 * and fingerprint in their own columns, and the CSV lines of the export.
 */
import type { AuditMatch } from '../audit-review/scan.js';
import { formatLocal } from '../core/local-time.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';
import { SECURITY_EVENT_NAMES } from '../audit/security-events.js';

export const PATH = '/_hic/security/';
export const PAGE_SIZE = 50;

/** The events a person may pick (a typo cannot silently find nothing). */
export const EVENTS: readonly string[] = ['access', ...SECURITY_EVENT_NAMES, 'download-blocked', 'upload-blocked', 'transfer-blocked'];

export type ConsoleInput = Partial<
  Record<'user' | 'project' | 'terminal' | 'address' | 'since' | 'until' | 'event' | 'decision' | 'page', string>
>;

export const T = {
  title: { ja: '監査ログの確認', en: 'Audit log review' },
  search: { ja: '検索', en: 'Search' },
  alerts: { ja: '直近24時間のアラート', en: 'Alerts, last 24 hours' },
  refused: { ja: '直近24時間の拒否', en: 'Refusals, last 24 hours' },
  ackAlerts: { ja: 'アラートの確認', en: 'Acknowledge alerts' },
  sessions: { ja: 'セッションの経過・利用停止', en: 'Session timelines, suspension' },
  projects: { ja: '研究課題の利用停止・再開', en: 'Projects: suspend, resume' },
  none: { ja: '該当する記録はありません。', en: 'No matching records.' },
  recorded: {
    ja: 'この閲覧は監査ログに記録されます。開始を省略すると直近24時間を検索します。',
    en: 'This review is itself recorded in the audit log. Without a start, the last 24 hours are searched.',
  },
  any: { ja: 'すべて', en: 'Any' },
  newer: { ja: '← 新しい記録', en: '← Newer' },
  older: { ja: '古い記録 →', en: 'Older →' },
  csv: { ja: 'この検索結果をCSVで出力', en: 'Export this search as CSV' },
  pageOf: {
    ja: (p: number, n: number, total: number) => `${p} / ${n} ページ（${total}件、新しい順）`,
    en: (p: number, n: number, total: number) => `page ${p} of ${n} (${total} records, newest first)`,
  },
  fields: {
    user: { ja: 'ユーザーID', en: 'User' },
    project: { ja: '研究課題', en: 'Project' },
    terminal: { ja: '端末ID / 指紋', en: 'Terminal id / fingerprint' },
    address: { ja: 'アドレス / CIDR', en: 'Address / CIDR' },
    since: { ja: '開始', en: 'From' },
    until: { ja: '終了', en: 'Until' },
    event: { ja: 'イベント', en: 'Event' },
    decision: { ja: '判定', en: 'Decision' },
  },
  columns: {
    ja: ['日時', 'イベント', '操作者', '操作', '対象ユーザー', '研究課題', '端末ID', '証明書指紋', 'アドレス', '詳細', '記録位置'],
    en: ['Time', 'Event', 'Actor', 'Action', 'Target user', 'Project', 'Terminal', 'Fingerprint', 'Address', 'Detail', 'Where'],
  },
} as const;

const text = (name: 'user' | 'terminal' | 'address', lang: Lang, v: string | undefined) =>
  `<label>${esc(T.fields[name][lang])}<input type="text" name="${name}" value="${esc(v ?? '')}"></label>`;

/** A `datetime-local` field: what the browser sends (`2026-04-01T09:00`) is read in the configured zone. */
const when = (name: 'since' | 'until', lang: Lang, v: string | undefined) =>
  `<label>${esc(T.fields[name][lang])}<input type="datetime-local" name="${name}" value="${esc(v && /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(v) ? v : '')}"></label>`;

function select(name: 'project' | 'event' | 'decision', lang: Lang, options: readonly string[], value: string | undefined): string {
  return `<label>${esc(T.fields[name][lang])}<select name="${name}"><option value="">${T.any[lang]}</option>${options
    .map((o) => `<option${o === value ? ' selected' : ''}>${esc(o)}</option>`)
    .join('')}</select></label>`;
}

export function consoleForm(lang: Lang, input: ConsoleInput, projects: string[]): string {
  const quick = `<p class="quick"><a href="${PATH}?event=alert&amp;since=24h">${T.alerts[lang]}</a> · <a href="${PATH}?decision=deny&amp;since=24h">${T.refused[lang]}</a> · <a href="${PATH}alerts">${T.ackAlerts[lang]}</a> · <a href="${PATH}sessions">${T.sessions[lang]}</a> · <a href="${PATH}projects">${T.projects[lang]}</a></p>`;
  return `<h1>${T.title[lang]}</h1>${quick}
<form method="get" action="${PATH}" class="inline" role="search"><input type="hidden" name="lang" value="${lang}">${text('user', lang, input.user)}${select('project', lang, projects, input.project)}${text('terminal', lang, input.terminal)}${text('address', lang, input.address)}${when('since', lang, input.since)}${when('until', lang, input.until)}${select('event', lang, EVENTS, input.event)}${select('decision', lang, ['allow', 'deny'], input.decision)}<button type="submit">${T.search[lang]}</button></form>
<p>${T.recorded[lang]}</p>`;
}

/** The columns of one audit line, as shown and exported. */
function columns(m: AuditMatch, zone: string): { iso: string; local: string; cells: string[] } {
  const e = m.entry as Record<string, unknown>;
  const s = (v: unknown) => (v === undefined || v === null || v === '' ? '-' : String(v));
  const staff = e['event'] === 'staff-action' || e['event'] === 'staff-action-refused' || e['event'] === 'identity-check';
  const what =
    e['kind'] === 'access'
      ? `${s(e['method'])} ${s(e['path'])} ${s(e['status'])}`
      : `${s(e['event'])}${e['type'] ? `:${s(e['type'])}` : ''}`;
  const actor = staff ? s(e['by']) : s(e['user']);
  const target = staff ? s(e['user'] ?? e['project']) : '-';
  const action = staff ? s(e['action'] ?? e['method']) : '-';
  const fingerprint = typeof e['terminal'] === 'string' && /^[0-9a-f]{16,}$/i.test(e['terminal']) ? e['terminal'].slice(0, 16) : '-';
  const terminalId = s(e['terminalId'] ?? (fingerprint === '-' ? e['terminal'] : undefined));
  const detail = s(e['summary'] ?? e['reason'] ?? e['outcome']);
  const iso = s(e['time']);
  return {
    iso,
    local: formatLocal(Date.parse(iso), zone),
    cells: [what, actor, action, target, s(e['project']), terminalId, fingerprint, s(e['address']), detail, `${m.file}:${m.line}`],
  };
}

export function resultsTable(lang: Lang, rows: AuditMatch[], zone: string): string {
  const head = T.columns[lang].map((c) => `<th scope="col">${c}</th>`).join('');
  const body = rows
    .map((m) => {
      const c = columns(m, zone);
      const cls = (m.entry as Record<string, unknown>)['event'] === 'alert' ? ' class="alert"' : '';
      return `<tr${cls}><td class="time"><time datetime="${esc(c.iso)}" title="${esc(c.iso)}">${esc(c.local)}</time></td>${c.cells.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<table id="results"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export const CSV_HEADER = [
  'time_utc',
  'time_local',
  'event',
  'actor',
  'action',
  'target_user',
  'project',
  'terminal_id',
  'fingerprint',
  'address',
  'detail',
  'where',
].join(',');

/** One CSV line (RFC 4180 quoting; a leading = + - @ is prefixed with ' so a spreadsheet never runs it). */
export function csvLine(m: AuditMatch, zone: string): string {
  const c = columns(m, zone);
  const q = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) && v !== '-' ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [c.iso, c.local, ...c.cells].map(q).join(',');
}
