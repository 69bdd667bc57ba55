import type { FastifyInstance } from 'fastify';
import { sendPage } from '../http/send-page.js';
import { requireStaffPage } from '../http/staff-page.js';
import { A, ADMIN_ACCOUNTS, ADMIN_PATH, ADMIN_PROJECTS, ADMIN_TERMINALS, adminNav } from '../pages/admin-views.js';
import { esc } from '../pages/layout.js';
import type { Runtime } from '../runtime.js';
import { registerAdminAccounts } from './handler-admin-accounts.js';
import { registerAdminProjects } from './handler-admin-projects.js';
import { registerAdminTerminals } from './handler-admin-terminals.js';

const DAY_MS = 86_400_000;

/**
 * The administrator's start page (/_hic/admin/, role admin): how many projects, accounts and terminals there are,
 * what needs attention (terminals expiring within 30 days, locked accounts), and the three sections.
 */
export function registerAdminPages(app: FastifyInstance, rt: Runtime): void {
  app.get(ADMIN_PATH, async (req, reply) => {
    const ok = await requireStaffPage(rt, req, reply, ['admin'], 'admin.home');
    if (!ok) return reply;
    const { lang, render } = ok;
    const now = rt.clock.now();
    const ja = lang === 'ja';
    const [projects, accounts, terminals] = await Promise.all([
      rt.stores.projects.list(),
      rt.stores.accounts.list(),
      rt.stores.terminals.list(),
    ]);
    const item = (path: string, label: string, count: number, extra: string) =>
      `<li><a href="${path}">${esc(label)}</a>: ${count}${extra ? (ja ? `（${esc(extra)}）` : ` (${esc(extra)})`) : ''}</li>`;
    const expiring = terminals.filter((t) => t.status === 'active' && t.notAfter <= now + 30 * DAY_MS).length;
    const locked = accounts.filter((a) => a.lockedAt !== null).length;
    const body = `${adminNav(lang, ADMIN_PATH)}<h1>${A.title[lang]}</h1><ul class="areas" id="admin-summary">${item(
      ADMIN_PROJECTS,
      A.projects[lang],
      projects.filter((p) => p.status === 'active').length,
      ja ? `終了 ${projects.filter((p) => p.status === 'ended').length}` : `${projects.filter((p) => p.status === 'ended').length} ended`,
    )}${item(ADMIN_ACCOUNTS, A.accounts[lang], accounts.length, ja ? `ロック中 ${locked}` : `${locked} locked`)}${item(
      ADMIN_TERMINALS,
      A.terminals[lang],
      terminals.filter((t) => t.status === 'active').length,
      ja ? `30日以内に期限切れ ${expiring}` : `${expiring} expiring within 30 days`,
    )}</ul><p>${A.recorded[lang]}</p>`;
    return sendPage(reply, 200, render(A.title[lang], body, { path: ADMIN_PATH }));
  });
  registerAdminProjects(app, rt);
  registerAdminAccounts(app, rt);
  registerAdminTerminals(app, rt);
}
