import type { FastifyInstance, FastifyReply } from 'fastify';
import { HicError, isHicError } from '../core/errors.js';
import { audited } from '../http/audited.js';
import { sendPage } from '../http/send-page.js';
import { auditStaffAction } from '../http/staff-auth.js';
import { requireStaffForm, seeOther, type StaffForm } from '../http/staff-form.js';
import { doneNotice } from '../pages/done-notice.js';
import { text } from '../pages/i18n.js';
import { esc, notice } from '../pages/layout.js';
import {
  addForm,
  changeForm,
  changesOf,
  P,
  projectFacts,
  projectsTable,
  sentValues,
  valuesOf,
  type FormValues,
} from '../pages/admin-project-views.js';
import { A, ADMIN_PROJECTS, adminNav, projectPath } from '../pages/admin-views.js';
import { addProject, endProject, requireProject, updateProject } from '../projects/project-service.js';
import type { Runtime } from '../runtime.js';
import { gatewayAuthority } from '../terminals/ca-source.js';
import { loadWorkspaceProfiles } from '../../policies/workspace-profile.js';

type Id = { Params: { id: string } };
type Body = { Body: Record<string, unknown> };
const EMPTY: FormValues = {
  id: '',
  name: '',
  upstream: '',
  networks: [],
  pollingPaths: [],
  profile: '',
  credentialFile: '',
  start: '',
  end: '',
};

/**
 * Projects on the administration pages (issue 13 item 4; AC-1 networks, AC-3 period, SES-4 end): list and add,
 * one project with its change and end forms. The project service validates and audits (`project.add`,
 * `project.update` with old and new values, `project.end`); a refused change is audited here as failed.
 */
export function registerAdminProjects(app: FastifyInstance, rt: Runtime): void {
  const zone = rt.config.pages.timezone;
  const profiles = () => [...loadWorkspaceProfiles().keys()].sort();

  const list = async (reply: FastifyReply, f: StaffForm, status: number, message: string, values = EMPTY) => {
    const projects = (await rt.stores.projects.list()).sort((a, b) => a.id.localeCompare(b.id));
    const body = `${adminNav(f.lang, ADMIN_PROJECTS)}<h1>${A.projects[f.lang]}</h1>${message}<p>${A.recorded[f.lang]}</p>${projectsTable(f.lang, projects, zone)}${addForm(f.lang, f.csrf, values, profiles())}`;
    return sendPage(reply, status, f.render(A.projects[f.lang], body, { path: ADMIN_PROJECTS }));
  };
  const one = async (reply: FastifyReply, f: StaffForm, id: string, status: number, message: string, values?: FormValues) => {
    const p = await requireProject(rt, id);
    const body = `${adminNav(f.lang, ADMIN_PROJECTS)}<p><a href="${ADMIN_PROJECTS}">← ${A.back[f.lang]}</a></p><h1>${esc(p.id)}</h1>${message}${projectFacts(f.lang, p, zone)}${changeForm(f.lang, f.csrf, p, values ?? valuesOf(p, zone), profiles())}`;
    return sendPage(reply, status, f.render(`${A.projects[f.lang]}: ${p.id}`, body, { path: projectPath(p.id) }));
  };
  const refused = (err: unknown) => {
    if (isHicError(err) && err.status < 500) return notice('error', err.detail ?? err.message);
    throw err;
  };

  app.get<{ Querystring: { done?: string } }>(ADMIN_PROJECTS, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'project.list');
    if (!f) return reply;
    await auditStaffAction(rt, f.staff, 'project.list', { via: 'admin-page' });
    return list(reply, f, 200, doneNotice(f.lang, req.query.done));
  });

  app.post<Body>(ADMIN_PROJECTS, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'project.add');
    if (!f) return reply;
    const v = sentValues(req.body);
    if (!f.csrfOk) return list(reply, f, 403, notice('error', text.csrf[f.lang]), v);
    const { changes, problems } = changesOf(f.lang, v, zone);
    try {
      await audited(rt, f.staff, 'project.add', { project: v.id, via: 'admin-page' }, async () => {
        if (problems.length > 0) throw new HicError('BAD_REQUEST', problems.join('; '));
        return addProject(rt, { id: v.id, ...changes, upstream: v.upstream, networks: v.networks }, f.staff.user);
      });
    } catch (err) {
      return list(reply, f, (err as HicError).status, refused(err), v);
    }
    return seeOther(reply, projectPath(v.id), 'project-added');
  });

  app.get<Id & { Querystring: { done?: string } }>(`${ADMIN_PROJECTS}/:id`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'project.show');
    if (!f) return reply;
    await auditStaffAction(rt, f.staff, 'project.show', { project: req.params.id, via: 'admin-page' });
    return one(reply, f, req.params.id, 200, doneNotice(f.lang, req.query.done));
  });

  app.post<Id & Body>(`${ADMIN_PROJECTS}/:id`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'project.update');
    if (!f) return reply;
    const v = sentValues(req.body);
    if (!f.csrfOk) return one(reply, f, req.params.id, 403, notice('error', text.csrf[f.lang]), v);
    const { changes, problems } = changesOf(f.lang, v, zone);
    try {
      await audited(rt, f.staff, 'project.update', { project: req.params.id, via: 'admin-page' }, async () => {
        if (problems.length > 0) throw new HicError('BAD_REQUEST', problems.join('; '));
        return updateProject(rt, req.params.id, changes, f.staff.user);
      });
    } catch (err) {
      return one(reply, f, req.params.id, (err as HicError).status, refused(err), v);
    }
    return seeOther(reply, projectPath(req.params.id), 'project-updated');
  });

  app.post<Id & Body>(`${ADMIN_PROJECTS}/:id/end`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'project.end');
    if (!f) return reply;
    if (!f.csrfOk) return one(reply, f, req.params.id, 403, notice('error', text.csrf[f.lang]));
    if (req.body?.['confirm'] !== '1') return one(reply, f, req.params.id, 422, notice('error', P.endConfirm[f.lang]));
    try {
      await audited(rt, f.staff, 'project.end', { project: req.params.id, via: 'admin-page' }, async () =>
        endProject(rt, req.params.id, f.staff.user, await gatewayAuthority(rt)),
      );
    } catch (err) {
      return one(reply, f, req.params.id, (err as HicError).status, refused(err));
    }
    return seeOther(reply, projectPath(req.params.id), 'project-ended');
  });
}
