import type { FastifyInstance } from 'fastify';
import { sendPage } from '../http/send-page.js';
import { requireStaffPage } from '../http/staff-page.js';
import { wantsJson } from '../http/request-kind.js';
import { findForm, HELPDESK_PATH, matchesTable, W } from '../pages/helpdesk-views.js';
import type { Runtime } from '../runtime.js';

const MAX_MATCHES = 50;

/**
 * The helpdesk start page: find an account by (part of) its user id or name. Helpdesk role only (AC-5); every
 * search is recorded as a staff action (LOG-6), since it reveals who has an account.
 */
export function registerHelpdeskFind(app: FastifyInstance, rt: Runtime): void {
  app.get<{ Querystring: { q?: string; lang?: string } }>(HELPDESK_PATH, async (req, reply) => {
    const ok = await requireStaffPage(rt, req, reply, ['helpdesk'], 'helpdesk.find');
    if (!ok) return reply;
    const { staff, lang, render } = ok;
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 64) : '';
    let body = findForm(lang, q);
    if (q !== '') {
      const needle = q.toLowerCase();
      const matches = (await rt.stores.accounts.list())
        .filter((a) => a.username.toLowerCase().includes(needle) || (a.displayName ?? '').toLowerCase().includes(needle))
        .sort((a, b) => a.username.localeCompare(b.username))
        .slice(0, MAX_MATCHES);
      await rt.audit.security({ event: 'staff-action', action: 'helpdesk.find', by: staff.user, query: q, count: matches.length });
      if (wantsJson(req.url, req.headers))
        return reply.header('cache-control', 'no-store').send({
          accounts: matches.map((a) => ({
            username: a.username,
            displayName: a.displayName ?? null,
            project: a.project,
            status: a.status,
            locked: a.lockedAt !== null,
          })),
        });
      body += matchesTable(lang, matches);
    }
    return sendPage(reply, 200, render(W.title[lang], body));
  });
}
