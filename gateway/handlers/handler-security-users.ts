import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendPage } from '../http/send-page.js';
import { auditStaffAction } from '../http/staff-auth.js';
import { requireStaffForm, type StaffForm } from '../http/staff-form.js';
import { doneNotice } from '../pages/done-notice.js';
import { stateList } from '../pages/helpdesk-views.js';
import { esc } from '../pages/layout.js';
import { backToConsole, SEC_USERS_PATH, secUserPath, SESSIONS_PATH, V } from '../pages/security-review-views.js';
import { secProjectPath, SP } from '../pages/security-project-views.js';
import { suspensionForm } from '../pages/suspension-views.js';
import type { Runtime } from '../runtime.js';
import { accountFacts } from './account-facts.js';
import { registerSuspensionActions } from './suspension-actions.js';

/**
 * An account on the security console (issue 13 item 3; SES-3), security role only: its state and the suspend /
 * resume form with a reason (suspension ends every session and connection at once; both audited with the reason).
 */
export function registerSecurityUsers(app: FastifyInstance, rt: Runtime): void {
  const showUser = async (reply: FastifyReply, f: StaffForm, username: string, status: number, message: string) => {
    const facts = await accountFacts(rt, username);
    const body = `${backToConsole(f.lang)}<h1>${esc(username)}</h1>${message}<p><a href="${SESSIONS_PATH}?user=${encodeURIComponent(username)}">${V.sessions[f.lang]}</a>${facts.account.project ? ` · <a href="${secProjectPath(facts.account.project)}" id="project-link">${SP.project[f.lang]}: ${esc(facts.account.project)}</a>` : ''}</p>${stateList(f.lang, facts)}${suspensionForm(f.lang, f.csrf, facts.account, secUserPath(username))}`;
    return sendPage(reply, status, f.render(`${V.account[f.lang]}: ${username}`, body, { path: secUserPath(username) }));
  };

  app.get<{ Params: { username: string }; Querystring: { done?: string } }>(`${SEC_USERS_PATH}/:username`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['security'], 'user.show');
    if (!f) return reply;
    await auditStaffAction(rt, f.staff, 'user.show', { user: req.params.username, via: 'security-page' });
    return showUser(reply, f, req.params.username, 200, doneNotice(f.lang, req.query.done));
  });
  registerSuspensionActions(app, rt, SEC_USERS_PATH, ['security'], showUser);
}
