import type { FastifyInstance } from 'fastify';
import { USER_ID_PATTERN } from '../admin/accounts.js';
import type { AuditMatch } from '../audit-review/scan.js';
import { searchAudit } from '../audit-review/search.js';
import { sessionTimelines } from '../audit-review/sessions.js';
import { sendPage } from '../http/send-page.js';
import { auditStaffAction } from '../http/staff-auth.js';
import { requireStaffForm } from '../http/staff-form.js';
import { esc, notice } from '../pages/layout.js';
import { backToConsole, REVIEW_WINDOW_MS, secUserPath, SESSIONS_PATH, sessionsTable, userForm, V } from '../pages/security-review-views.js';
import { resultsTable } from '../pages/security-views.js';
import type { Runtime } from '../runtime.js';

/** A timeline shows at most this many records (a session is 20 minutes idle at most, hours of work at most). */
const MAX_TIMELINE = 2_000;

/**
 * Session timelines on the security console (issue 13 item 3; LOG-1, LOG-4), security role only: a user's sessions
 * of the last 7 days (login, end and why, terminal, requests, refusals) and one session's every record in order.
 * Each view is audited before the log is read.
 */
export function registerSecuritySessions(app: FastifyInstance, rt: Runtime): void {
  const dir = rt.config.audit.dir;
  const zone = rt.config.pages.timezone;
  app.get<{ Querystring: { user?: string } }>(SESSIONS_PATH, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['security'], 'audit.sessions');
    if (!f) return reply;
    const user = typeof req.query.user === 'string' ? req.query.user.trim() : '';
    let body = `${backToConsole(f.lang)}<h1>${V.sessions[f.lang]}</h1><p>${V.sessionsHelp[f.lang]}</p>${userForm(f.lang, user)}`;
    if (user !== '') {
      if (!USER_ID_PATTERN.test(user))
        body += notice(
          'error',
          f.lang === 'ja' ? 'ユーザーIDは英数字と . _ @ - の1〜64文字です。' : 'A user id is 1 to 64 of A-Z a-z 0-9 . _ @ -',
        );
      else {
        const now = rt.clock.now();
        await auditStaffAction(rt, f.staff, 'audit.sessions', { user, since: '7d', via: 'security-page' });
        const sessions = await sessionTimelines(dir, {
          user,
          since: now - REVIEW_WINDOW_MS,
          idleTimeoutMs: rt.config.session.idleTimeoutSeconds * 1000,
          now,
        });
        body += `<p><a href="${secUserPath(user)}" id="account-link">${V.account[f.lang]}: ${esc(user)}</a></p>${sessionsTable(f.lang, sessions, zone)}`;
      }
    }
    return sendPage(reply, 200, f.render(V.sessions[f.lang], body, { path: SESSIONS_PATH }));
  });

  app.get<{ Params: { id: string } }>(`${SESSIONS_PATH}/:id`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['security'], 'audit.timeline');
    if (!f) return reply;
    const id = req.params.id;
    if (!/^[A-Za-z0-9_-]{8,128}$/.test(id))
      return sendPage(reply, 404, f.render(V.timeline[f.lang], `${backToConsole(f.lang)}${notice('error', V.noSessions[f.lang])}`));
    await auditStaffAction(rt, f.staff, 'audit.timeline', { session: id });
    const now = rt.clock.now();
    const records: AuditMatch[] = [];
    for await (const m of searchAudit(dir, { session: id, since: now - REVIEW_WINDOW_MS, limit: MAX_TIMELINE })) records.push(m);
    const first = records[0]?.entry as Record<string, unknown> | undefined;
    const user = typeof first?.['user'] === 'string' ? first['user'] : null;
    const head = user
      ? `<p>${V.user[f.lang]}: <a href="${SESSIONS_PATH}?user=${encodeURIComponent(user)}">${esc(user)}</a> · ${records.length}${f.lang === 'ja' ? '件' : ' records'}</p>`
      : '';
    const body = `${backToConsole(f.lang)}<h1>${V.timeline[f.lang]}</h1><p><code>${esc(id)}</code></p>${head}${records.length === 0 ? notice('info', V.noSessions[f.lang]) : resultsTable(f.lang, records, zone)}`;
    return sendPage(reply, 200, f.render(V.timeline[f.lang], body, { path: `${SESSIONS_PATH}/` }));
  });
}
