/**
 * The administration pages for projects (approved studies, 研究課題; issue 13 item 4): the list, one project's
 * facts, the add and change forms (usage period as days in the configured zone, the end day inclusive — the same
 * rule as `hic project add|update`), and ending a project when its 利用終了書 arrives (SES-4).
 */
import { dayEndExclusive, dayStart, formatLocalDay, lastDayOf } from '../core/local-time.js';
import type { ProjectChanges } from '../projects/project-service.js';
import type { Project } from '../stores/types.js';
import { ADMIN_PROJECTS, projectPath } from './admin-views.js';
import { dateField, linesField, listOf, localTime, postForm, selectField, table, textField, textOf } from './form-fields.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';

export const P = {
  add: { ja: '研究課題の登録', en: 'Add a project' },
  change: { ja: '変更', en: 'Change' },
  id: { ja: '課題ID（英小文字・数字・-）', en: 'Project id (a-z, 0-9, -)' },
  name: { ja: '名称', en: 'Name' },
  upstream: { ja: 'ワークスペースのURL', en: 'Workspace URL' },
  networks: { ja: '承認されたネットワーク（CIDR、1行に1つ）', en: 'Approved networks (CIDR, one a line)' },
  polling: { ja: '操作とみなさない定期通信のパス（1行に1つ）', en: 'Polling paths not counted as activity (one a line)' },
  profile: { ja: 'ワークスペースの種類', en: 'Workspace profile' },
  credential: { ja: '認証情報ファイル（ゲートウェイ上のパス、任意）', en: 'Credential file (path on the gateway, optional)' },
  start: { ja: '利用開始日', en: 'First day' },
  end: { ja: '利用終了日（この日まで利用可）', en: 'Last day (inclusive)' },
  status: { ja: '状態', en: 'Status' },
  period: { ja: '利用期間', en: 'Usage period' },
  open: { ja: '定めなし', en: 'open' },
  active: { ja: '利用中', en: 'active' },
  ended: { ja: '終了', en: 'ended' },
  suspended: { ja: '利用停止中', en: 'suspended' },
  suspension: { ja: '利用停止', en: 'Suspension' },
  endTitle: { ja: '研究課題の終了（利用終了書の受領後）', en: 'End the project (after its end-of-use notice)' },
  endConfirm: {
    ja: '利用終了書を受領しました。アカウントを停止し、この課題専用の端末証明書を失効させます。',
    en: 'The end-of-use notice has arrived: suspend the accounts and revoke the terminals used only for this project.',
  },
  endButton: { ja: '終了する', en: 'End the project' },
  endedNote: {
    ja: 'この研究課題は終了しています。記録は監査のため保存されています。',
    en: 'This project has ended; its records are kept for audit.',
  },
  badDay: {
    ja: (f: string) => `${f}：YYYY-MM-DD 形式の実在する日付を入力してください`,
    en: (f: string) => `${f}: a real day as YYYY-MM-DD`,
  },
} as const;

const day = (ms: number | null, zone: string, end = false) => (ms === null ? '' : end ? lastDayOf(ms, zone) : formatLocalDay(ms, zone));

export function periodText(lang: Lang, p: Project, zone: string): string {
  return `${day(p.startsAt, zone) || P.open[lang]} – ${day(p.endsAt, zone, true) || P.open[lang]}`;
}

/** 終了 / 利用停止中 / 利用中: an ended project is ended whatever else it records. */
export function statusText(lang: Lang, p: Project): string {
  return p.status === 'ended' ? P.ended[lang] : p.suspension ? P.suspended[lang] : P.active[lang];
}

/** Since when, by whom and why a project is suspended (SES-3), or '-'. */
export function suspensionText(lang: Lang, p: Project, zone: string): string {
  const s = p.suspension;
  if (!s) return '-';
  return `${localTime(s.at, zone)} ${esc(s.by)}${lang === 'ja' ? '：' : ': '}${esc(s.reason)}`;
}

export function projectsTable(lang: Lang, projects: Project[], zone: string): string {
  const head = [
    'ID',
    P.name[lang],
    P.status[lang],
    P.period[lang],
    P.networks[lang].replace(/（.*|\(.*/, ''),
    P.upstream[lang],
    P.profile[lang],
  ];
  const rows = projects.map((p) => [
    `<a href="${projectPath(p.id)}">${esc(p.id)}</a>`,
    esc(p.name),
    esc(statusText(lang, p)),
    esc(periodText(lang, p, zone)),
    esc(p.networks.join(', ')),
    esc(p.upstream),
    esc(p.profile ?? '-'),
  ]);
  return table('projects', head, rows, lang === 'ja' ? '研究課題はありません。' : 'No projects.');
}

/** The fields shared by the add and the change form, filled from a project or from what was sent. */
function fields(lang: Lang, v: FormValues, profiles: string[]): string {
  return `${textField('p-name', 'name', P.name[lang], v.name)}${textField('p-upstream', 'upstream', P.upstream[lang], v.upstream, 'required')}${linesField('p-networks', 'networks', P.networks[lang], v.networks, 'required')}${linesField('p-polling', 'pollingPaths', P.polling[lang], v.pollingPaths)}${selectField('p-profile', 'profile', P.profile[lang], [['', '-'], ...profiles.map((n) => [n, n] as const)], v.profile)}${textField('p-credential', 'credentialFile', P.credential[lang], v.credentialFile)}<div class="pair">${dateField('p-start', 'start', P.start[lang], v.start)}${dateField('p-end', 'end', P.end[lang], v.end)}</div>`;
}

export interface FormValues {
  id: string;
  name: string;
  upstream: string;
  networks: string[];
  pollingPaths: string[];
  profile: string;
  credentialFile: string;
  start: string;
  end: string;
}

export function valuesOf(p: Project, zone: string): FormValues {
  return {
    id: p.id,
    name: p.name,
    upstream: p.upstream,
    networks: p.networks,
    pollingPaths: p.pollingPaths,
    profile: p.profile ?? '',
    credentialFile: p.credentialFile ?? '',
    start: day(p.startsAt, zone),
    end: day(p.endsAt, zone, true),
  };
}

/** What a project form sent, as text (shown again after a refusal). */
export function sentValues(body: Record<string, unknown> | undefined): FormValues {
  const s = (k: string) => textOf(body, k);
  return {
    id: s('id'),
    name: s('name'),
    upstream: s('upstream'),
    networks: listOf(body?.['networks']),
    pollingPaths: listOf(body?.['pollingPaths']),
    profile: s('profile'),
    credentialFile: s('credentialFile'),
    start: s('start'),
    end: s('end'),
  };
}

/** The sent values as a change of a project: days read in the zone (end inclusive); an empty day clears it. */
export function changesOf(lang: Lang, v: FormValues, zone: string): { changes: ProjectChanges; problems: string[] } {
  const problems: string[] = [];
  const startsAt = v.start === '' ? null : dayStart(v.start, zone);
  const endsAt = v.end === '' ? null : dayEndExclusive(v.end, zone);
  if (v.start !== '' && startsAt === null) problems.push(P.badDay[lang](P.start[lang]));
  if (v.end !== '' && endsAt === null) problems.push(P.badDay[lang](P.end[lang]));
  const changes: ProjectChanges = { upstream: v.upstream, networks: v.networks, pollingPaths: v.pollingPaths, startsAt, endsAt };
  if (v.name !== '') changes.name = v.name;
  if (v.profile !== '') changes.profile = v.profile;
  if (v.credentialFile !== '') changes.credentialFile = v.credentialFile;
  return { changes, problems };
}

export function addForm(lang: Lang, csrf: string, v: FormValues, profiles: string[]): string {
  return `<h2>${P.add[lang]}</h2>${postForm(ADMIN_PROJECTS, csrf, `${textField('p-id', 'id', P.id[lang], v.id, 'required pattern="[a-z0-9][a-z0-9-]{0,62}"')}${fields(lang, v, profiles)}<button type="submit" id="project-add">${P.add[lang]}</button>`, 'id="project-add-form"')}`;
}

export function changeForm(lang: Lang, csrf: string, p: Project, v: FormValues, profiles: string[]): string {
  if (p.status === 'ended') return `<p class="notice info">${P.endedNote[lang]}</p>`;
  const change = `<h2>${P.change[lang]}</h2>${postForm(projectPath(p.id), csrf, `${fields(lang, v, profiles)}<button type="submit" id="project-save">${P.change[lang]}</button>`)}`;
  const end = `<h2>${P.endTitle[lang]}</h2>${postForm(`${projectPath(p.id)}/end`, csrf, `<label class="check"><input type="checkbox" name="confirm" value="1" required id="end-confirm"> ${esc(P.endConfirm[lang])}</label><button type="submit" id="project-end">${P.endButton[lang]}</button>`)}`;
  return change + end;
}

export function projectFacts(lang: Lang, p: Project, zone: string): string {
  const rows: Array<[string, string]> = [
    [P.name[lang], esc(p.name)],
    [P.status[lang], esc(statusText(lang, p))],
    ...(p.suspension ? [[P.suspension[lang], suspensionText(lang, p, zone)] as [string, string]] : []),
    [P.period[lang], esc(periodText(lang, p, zone))],
    [P.networks[lang], esc(p.networks.join(', '))],
    [P.upstream[lang], esc(p.upstream)],
    [P.profile[lang], esc(p.profile ?? '-')],
  ];
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}
