/**
 * Projects on the security console (issue 13 item 3; SES-3): the list with each project's state, and one project
 * with its members and the suspend / resume form with a reason. Suspending stops every active member at once;
 * resuming gives back exactly the accounts that suspension stopped (projects/project-service.ts).
 */
import type { Account, Project } from '../stores/types.js';
import { P, periodText, statusText, suspensionText } from './admin-project-views.js';
import { postForm, table, textField } from './form-fields.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';
import { secUserPath } from './security-review-views.js';
import { PATH } from './security-views.js';
import { S } from './suspension-views.js';

export const SEC_PROJECTS_PATH = `${PATH}projects`;
export const secProjectPath = (id: string): string => `${SEC_PROJECTS_PATH}/${encodeURIComponent(id)}`;

export const SP = {
  projects: { ja: '研究課題の利用停止・再開', en: 'Projects: suspend and resume' },
  projectsHelp: {
    ja: '研究課題を選ぶと、利用者の一覧と、課題全体の利用停止・再開の操作を表示します。',
    en: 'Choose a project to see its members and to suspend or resume it as a whole.',
  },
  project: { ja: '研究課題', en: 'Project' },
  members: { ja: '利用者', en: 'Members' },
  accountState: { ja: '状態', en: 'State' },
  stoppedBy: { ja: 'この停止で止めたアカウント', en: 'Stopped by this suspension' },
  none: { ja: '研究課題はありません。', en: 'No projects.' },
  noMembers: { ja: '利用者はいません。', en: 'No members.' },
  suspendTitle: { ja: '研究課題の利用停止', en: 'Suspend the project' },
  suspendHelp: {
    ja: 'この研究課題の利用中のアカウントをすべて直ちに停止します。各利用者のセッションと接続（WebSocketを含む）は全インスタンスで終了します。',
    en: "Stops every active account of the project at once: each member's sessions and connections (WebSocket included) end on every instance.",
  },
  resumeTitle: { ja: '研究課題の利用再開', en: 'Resume the project' },
  resumeHelp: {
    ja: 'この停止で止めたアカウントだけを再開します。個別に停止されたアカウント（停止の前から、またはその後に改めて）は停止のままです。利用者は改めてログインします。',
    en: 'Resumes only the accounts this suspension stopped; an account suspended on its own (before, or again since) stays suspended. Users log in again.',
  },
  suspend: { ja: '課題全体の利用を停止する', en: 'Suspend the project now' },
  resume: { ja: '課題全体の利用を再開する', en: 'Resume the project' },
  ended: {
    ja: 'この研究課題は終了しています。アカウントは停止されたままです。',
    en: 'This project has ended; its accounts stay suspended.',
  },
} as const;

export function securityProjectsTable(lang: Lang, projects: Project[], zone: string): string {
  const head = ['ID', P.name[lang], P.status[lang], P.suspension[lang], P.period[lang]];
  const rows = projects.map((p) => [
    `<a href="${secProjectPath(p.id)}">${esc(p.id)}</a>`,
    esc(p.name),
    esc(statusText(lang, p)),
    suspensionText(lang, p, zone),
    esc(periodText(lang, p, zone)),
  ]);
  return table('sec-projects', head, rows, SP.none[lang]);
}

/** The project's state, its members (each linked to its account page) and which of them the suspension stopped. */
export function securityProjectFacts(lang: Lang, p: Project, members: Account[], zone: string): string {
  const stopped = p.suspension ? Object.keys(p.suspension.accounts) : [];
  const facts: Array<[string, string]> = [
    [P.name[lang], esc(p.name)],
    [P.status[lang], esc(statusText(lang, p))],
    [P.suspension[lang], suspensionText(lang, p, zone)],
    [SP.stoppedBy[lang], esc(stopped.join(', ') || '-')],
    [P.period[lang], esc(periodText(lang, p, zone))],
  ];
  const state = (a: Account) =>
    a.status === 'suspended' ? `${S.suspendTitle[lang]}${a.suspensionReason ? `（${esc(a.suspensionReason)}）` : ''}` : esc(P.active[lang]);
  const rows = members.map((a) => [`<a href="${secUserPath(a.username)}">${esc(a.username)}</a>`, state(a)]);
  return `<dl class="facts">${facts.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl><h2>${SP.members[lang]}</h2>${table('members', [SP.members[lang], SP.accountState[lang]], rows, SP.noMembers[lang])}`;
}

/** The one form that fits the project's state: suspend an active project, resume a suspended one; none once ended. */
export function projectSuspensionForm(lang: Lang, csrf: string, p: Project): string {
  if (p.status === 'ended') return `<p class="notice info">${SP.ended[lang]}</p>`;
  const suspended = p.suspension !== undefined;
  const kind = suspended ? 'resume' : 'suspend';
  const body = `${textField('project-suspension-reason', 'reason', S.reason[lang], '', 'required maxlength="500"')}<button type="submit" id="project-${kind}-submit">${suspended ? SP.resume[lang] : SP.suspend[lang]}</button>`;
  return `<h2>${suspended ? SP.resumeTitle[lang] : SP.suspendTitle[lang]}</h2><p>${esc(suspended ? SP.resumeHelp[lang] : SP.suspendHelp[lang])}</p>${postForm(`${secProjectPath(p.id)}/${kind}`, csrf, body, 'id="project-suspension-form"')}`;
}
