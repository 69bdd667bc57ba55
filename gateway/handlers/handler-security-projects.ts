import type { FastifyInstance, FastifyReply } from 'fastify';
import { isHicError } from '../core/errors.js';
import { audited } from '../http/audited.js';
import { sendPage } from '../http/send-page.js';
import { auditStaffAction } from '../http/staff-auth.js';
import { requireStaffForm, seeOther, type StaffForm } from '../http/staff-form.js';
import { doneNotice } from '../pages/done-notice.js';
import { text } from '../pages/i18n.js';
import { esc, notice } from '../pages/layout.js';
import { backToConsole } from '../pages/security-review-views.js';
import {
  projectSuspensionForm,
  secProjectPath,
  SEC_PROJECTS_PATH,
  securityProjectFacts,
  securityProjectsTable,
  SP,
} from '../pages/security-project-views.js';
import { S } from '../pages/suspension-views.js';
import { requireProject, resumeProject, suspendProject } from '../projects/project-service.js';
import type { Runtime } from '../runtime.js';

type Id = { Params: { id: string } };

/**
 * Projects on the security console (issue 13 item 3; SES-3), security role only: the list, one project with its
 * members, and suspend / resume of the whole project with a reason. The project service does the work and audits
 * `project.suspend` / `project.resume` with `by` and `reason`; a refused attempt is audited here as failed, and
 * each view is audited before it is shown (LOG-6).
 */
export function registerSecurityProjects(app: FastifyInstance, rt: Runtime): void {
  const zone = rt.config.pages.timezone;
  const showProject = async (reply: FastifyReply, f: StaffForm, id: string, status: number, message: string) => {
    const p = await rt.stores.projects.get(id);
    if (!p)
      return sendPage(
        reply,
        404,
        f.render(
          SP.project[f.lang],
          `${backToConsole(f.lang)}${notice('error', f.lang === 'ja' ? '指定された研究課題はありません。' : 'No such project.')}`,
        ),
      );
    const members = (await rt.stores.accounts.list())
      .filter((a) => a.project === p.id)
      .sort((a, b) => a.username.localeCompare(b.username));
    const body = `${backToConsole(f.lang)}<p><a href="${SEC_PROJECTS_PATH}">← ${SP.projects[f.lang]}</a></p><h1>${SP.project[f.lang]}: ${esc(p.id)}</h1>${message}${securityProjectFacts(f.lang, p, members, zone)}${projectSuspensionForm(f.lang, f.csrf, p)}`;
    return sendPage(reply, status, f.render(`${SP.project[f.lang]}: ${p.id}`, body, { path: secProjectPath(p.id) }));
  };

  app.get(SEC_PROJECTS_PATH, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['security'], 'project.list');
    if (!f) return reply;
    await auditStaffAction(rt, f.staff, 'project.list', { via: 'security-page' });
    const projects = (await rt.stores.projects.list()).sort((a, b) => a.id.localeCompare(b.id));
    const body = `${backToConsole(f.lang)}<h1>${SP.projects[f.lang]}</h1><p>${SP.projectsHelp[f.lang]}</p>${securityProjectsTable(f.lang, projects, zone)}`;
    return sendPage(reply, 200, f.render(SP.projects[f.lang], body, { path: SEC_PROJECTS_PATH }));
  });

  app.get<Id & { Querystring: { done?: string } }>(`${SEC_PROJECTS_PATH}/:id`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['security'], 'project.show');
    if (!f) return reply;
    await auditStaffAction(rt, f.staff, 'project.show', { project: req.params.id, via: 'security-page' });
    return showProject(reply, f, req.params.id, 200, doneNotice(f.lang, req.query.done));
  });

  for (const kind of ['suspend', 'resume'] as const) {
    app.post<Id & { Body: { reason?: string } }>(`${SEC_PROJECTS_PATH}/:id/${kind}`, async (req, reply) => {
      const f = await requireStaffForm(rt, req, reply, ['security'], `project.${kind}`);
      if (!f) return reply;
      const { id } = req.params;
      if (!f.csrfOk) return showProject(reply, f, id, 403, notice('error', text.csrf[f.lang]));
      const reason = String(req.body?.reason ?? '')
        .trim()
        .slice(0, 500);
      if (reason === '') return showProject(reply, f, id, 422, notice('error', S.needReason[f.lang]));
      try {
        await audited<unknown>(rt, f.staff, `project.${kind}`, { project: id, reason, via: 'security-page' }, async () => {
          await requireProject(rt, id);
          return kind === 'suspend' ? suspendProject(rt, id, reason, f.staff.user) : resumeProject(rt, id, reason, f.staff.user);
        });
      } catch (err) {
        if (isHicError(err) && err.status < 500) return showProject(reply, f, id, err.status, notice('error', err.detail ?? err.message));
        throw err;
      }
      return seeOther(reply, secProjectPath(id), kind === 'suspend' ? 'project-suspended' : 'project-resumed');
    });
  }
}
