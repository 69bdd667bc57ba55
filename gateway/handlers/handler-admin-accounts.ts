import type { FastifyInstance, FastifyReply } from 'fastify';
import { createAccount } from '../admin/accounts.js';
import { HicError, isHicError } from '../core/errors.js';
import { audited } from '../http/audited.js';
import { sendPage } from '../http/send-page.js';
import { auditStaffAction } from '../http/staff-auth.js';
import { requireStaffForm, type StaffForm } from '../http/staff-form.js';
import { accountsTable, addAccountForm, C, passwordBox, sentAccount, type AccountForm } from '../pages/admin-account-views.js';
import { A, ADMIN_ACCOUNTS, adminAccountPath, adminNav } from '../pages/admin-views.js';
import { stateList } from '../pages/helpdesk-views.js';
import { doneNotice } from '../pages/done-notice.js';
import { text } from '../pages/i18n.js';
import { esc, notice } from '../pages/layout.js';
import { suspensionForm } from '../pages/suspension-views.js';
import { requireProject } from '../projects/project-service.js';
import type { Runtime } from '../runtime.js';
import { accountFacts } from './account-facts.js';
import { registerSuspensionActions } from './suspension-actions.js';

const EMPTY: AccountForm = { username: '', displayName: '', roles: [], project: '' };

/**
 * Accounts on the administration pages (issue 13 item 4; AUTH-2, AC-5, SES-3): list, add with roles (the
 * generated initial password shown once on the answer, never again), one account's state with suspend / resume.
 * Every action is audited (`user.add`, `user.suspend`, `user.resume`; failures as `outcome: failed`).
 */
export function registerAdminAccounts(app: FastifyInstance, rt: Runtime): void {
  const list = async (reply: FastifyReply, f: StaffForm, status: number, top: string, values = EMPTY) => {
    const accounts = (await rt.stores.accounts.list()).sort((a, b) => a.username.localeCompare(b.username));
    const projects = (await rt.stores.projects.list())
      .filter((p) => p.status === 'active')
      .map((p) => p.id)
      .sort();
    const body = `${adminNav(f.lang, ADMIN_ACCOUNTS)}<h1>${A.accounts[f.lang]}</h1>${top}<p>${A.recorded[f.lang]}</p>${accountsTable(f.lang, accounts)}${addAccountForm(f.lang, f.csrf, values, projects)}`;
    return sendPage(reply, status, f.render(A.accounts[f.lang], body, { path: ADMIN_ACCOUNTS }));
  };
  const show = async (reply: FastifyReply, f: StaffForm, username: string, status: number, message: string) => {
    const facts = await accountFacts(rt, username);
    const body = `${adminNav(f.lang, ADMIN_ACCOUNTS)}<p><a href="${ADMIN_ACCOUNTS}">← ${A.back[f.lang]}</a></p><h1>${esc(username)}</h1>${message}${stateList(f.lang, facts)}${suspensionForm(f.lang, f.csrf, facts.account, adminAccountPath(username))}`;
    return sendPage(reply, status, f.render(`${A.accounts[f.lang]}: ${username}`, body, { path: adminAccountPath(username) }));
  };

  app.get(ADMIN_ACCOUNTS, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'user.list');
    if (!f) return reply;
    await auditStaffAction(rt, f.staff, 'user.list', { via: 'admin-page' });
    return list(reply, f, 200, '');
  });

  app.post<{ Body: Record<string, unknown> }>(ADMIN_ACCOUNTS, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'user.add');
    if (!f) return reply;
    const v = sentAccount(req.body);
    if (!f.csrfOk) return list(reply, f, 403, notice('error', text.csrf[f.lang]), v);
    let password: string;
    try {
      password = await audited(
        rt,
        f.staff,
        'user.add',
        { user: v.username, roles: v.roles, project: v.project || null, via: 'admin-page' },
        async () => {
          if (v.roles.length === 0) throw new HicError('BAD_REQUEST', C.needRole[f.lang]);
          if (v.roles.includes('analyst') && v.project === '') throw new HicError('BAD_REQUEST', C.needProject[f.lang]);
          if (v.project !== '') await requireProject(rt, v.project);
          const created = await createAccount(rt, {
            username: v.username,
            roles: v.roles,
            project: v.project || null,
            ...(v.displayName ? { displayName: v.displayName } : {}),
            initial: true,
          });
          return created.password;
        },
      );
    } catch (err) {
      if (!isHicError(err) || err.status >= 500) throw err;
      return list(reply, f, err.status, notice('error', err.detail ?? err.message), v);
    }
    await auditStaffAction(rt, f.staff, 'user.add', { user: v.username, roles: v.roles, project: v.project || null, via: 'admin-page' });
    // The answer to the POST is the only page with the password: no redirect, never stored, never cached (no-store).
    return list(reply, f, 201, passwordBox(f.lang, v.username, password));
  });

  app.get<{ Params: { username: string }; Querystring: { done?: string } }>(`${ADMIN_ACCOUNTS}/:username`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'user.show');
    if (!f) return reply;
    await auditStaffAction(rt, f.staff, 'user.show', { user: req.params.username, via: 'admin-page' });
    return show(reply, f, req.params.username, 200, doneNotice(f.lang, req.query.done));
  });

  registerSuspensionActions(app, rt, ADMIN_ACCOUNTS, ['admin'], show);
}
