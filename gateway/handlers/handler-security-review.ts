import type { FastifyInstance, FastifyReply } from 'fastify';
import { ALERT_ACK_ACTION, findAlert, reviewAlerts } from '../audit-review/alerts.js';
import type { AuditMatch } from '../audit-review/scan.js';
import { searchAudit } from '../audit-review/search.js';
import { sessionTimelines } from '../audit-review/sessions.js';
import { sendPage } from '../http/send-page.js';
import { auditStaffAction } from '../http/staff-auth.js';
import { requireStaffForm, seeOther, type StaffForm } from '../http/staff-form.js';
import { doneNotice } from '../pages/admin-views.js';
import { stateList } from '../pages/helpdesk-views.js';
import { text } from '../pages/i18n.js';
import { esc, notice } from '../pages/layout.js';
import { ALERTS_PATH, alertsTable, SEC_USERS_PATH, secUserPath, SESSIONS_PATH, sessionsTable, userForm, V } from '../pages/security-review-views.js';
import { PATH, resultsTable } from '../pages/security-views.js';
import { suspensionForm } from '../pages/suspension-views.js';
import type { Runtime } from '../runtime.js';
import { USER_ID_PATTERN } from '../admin/accounts.js';
import { accountFacts } from './account-facts.js';
import { registerSuspensionActions } from './suspension-actions.js';

const WEEK_MS = 7 * 86_400_000;
/** A timeline shows at most this many records (a session is 20 minutes idle at most, hours of work at most). */
const MAX_TIMELINE = 2_000;

/**
 * The security console's review pages (issue 13 item 3; LOG-4, SES-3, LOG-6), security role only: alerts with
 * acknowledgement (the acknowledgement is itself an audit record: who, when, note), a user's sessions and one
 * session's timeline, and an account's state with suspend / resume. Every view and action is audited before the
 * log is read or the account changed.
 */
export function registerSecurityReview(app: FastifyInstance, rt: Runtime): void {
  const dir = rt.config.audit.dir;
  const zone = rt.config.pages.timezone;
  const back = (lang: 'ja' | 'en') => `<p><a href="${PATH}">← ${lang === 'ja' ? '監査ログの確認' : 'Audit log review'}</a></p>`;

  const alertsPage = async (reply: FastifyReply, f: StaffForm, status: number, message: string) => {
    const now = rt.clock.now();
    const alerts = await reviewAlerts(dir, now - WEEK_MS, now + 1, now);
    const body = `${back(f.lang)}<h1>${V.alerts[f.lang]}</h1>${message}<p>${V.alertsHelp[f.lang]}</p>${alertsTable(f.lang, alerts, f.csrf, zone)}`;
    return sendPage(reply, status, f.render(V.alerts[f.lang], body, { path: ALERTS_PATH }));
  };

  app.get<{ Querystring: { done?: string } }>(ALERTS_PATH, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['security'], 'alert.list');
    if (!f) return reply;
    await auditStaffAction(rt, f.staff, 'alert.list', { since: '7d' });
    return alertsPage(reply, f, 200, doneNotice(f.lang, req.query.done));
  });

  app.post<{ Body: Record<string, unknown> }>(`${ALERTS_PATH}/ack`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['security'], ALERT_ACK_ACTION);
    if (!f) return reply;
    if (!f.csrfOk) return alertsPage(reply, f, 403, notice('error', text.csrf[f.lang]));
    const ref = String(req.body?.['alert'] ?? '');
    const note = String(req.body?.['note'] ?? '').trim().slice(0, 200);
    const alert = await findAlert(dir, ref, rt.clock.now());
    if (!alert) return alertsPage(reply, f, 404, notice('error', V.noAlert[f.lang]));
    if (alert.ack) return alertsPage(reply, f, 409, notice('info', V.already[f.lang](alert.ack.by)));
    const e = alert.match.entry as Record<string, unknown>;
    await auditStaffAction(rt, f.staff, ALERT_ACK_ACTION, { alert: ref, type: e['type'] ?? null, alertTime: alert.match.entry.time, user: e['user'] ?? null, ...(note ? { note } : {}) });
    return seeOther(reply, ALERTS_PATH, 'acknowledged');
  });

  app.get<{ Querystring: { user?: string } }>(SESSIONS_PATH, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['security'], 'audit.sessions');
    if (!f) return reply;
    const user = typeof req.query.user === 'string' ? req.query.user.trim() : '';
    let body = `${back(f.lang)}<h1>${V.sessions[f.lang]}</h1><p>${V.sessionsHelp[f.lang]}</p>${userForm(f.lang, user)}`;
    if (user !== '') {
      if (!USER_ID_PATTERN.test(user)) body += notice('error', f.lang === 'ja' ? 'ユーザーIDは英数字と . _ @ - の1〜64文字です。' : 'A user id is 1 to 64 of A-Z a-z 0-9 . _ @ -');
      else {
        const now = rt.clock.now();
        await auditStaffAction(rt, f.staff, 'audit.sessions', { user, since: '7d', via: 'security-page' });
        const sessions = await sessionTimelines(dir, { user, since: now - WEEK_MS, idleTimeoutMs: rt.config.session.idleTimeoutSeconds * 1000, now });
        body += `<p><a href="${secUserPath(user)}" id="account-link">${V.account[f.lang]}: ${esc(user)}</a></p>${sessionsTable(f.lang, sessions, zone)}`;
      }
    }
    return sendPage(reply, 200, f.render(V.sessions[f.lang], body, { path: SESSIONS_PATH }));
  });

  app.get<{ Params: { id: string } }>(`${SESSIONS_PATH}/:id`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['security'], 'audit.timeline');
    if (!f) return reply;
    const id = req.params.id;
    if (!/^[A-Za-z0-9_-]{8,128}$/.test(id)) return sendPage(reply, 404, f.render(V.timeline[f.lang], `${back(f.lang)}${notice('error', V.noSessions[f.lang])}`));
    await auditStaffAction(rt, f.staff, 'audit.timeline', { session: id });
    const now = rt.clock.now();
    const records: AuditMatch[] = [];
    for await (const m of searchAudit(dir, { session: id, since: now - WEEK_MS, limit: MAX_TIMELINE })) records.push(m);
    const first = records[0]?.entry as Record<string, unknown> | undefined;
    const user = typeof first?.['user'] === 'string' ? first['user'] : null;
    const head = user ? `<p>${V.user[f.lang]}: <a href="${SESSIONS_PATH}?user=${encodeURIComponent(user)}">${esc(user)}</a> · ${records.length}</p>` : '';
    const body = `${back(f.lang)}<h1>${V.timeline[f.lang]}</h1><p><code>${esc(id)}</code></p>${head}${records.length === 0 ? notice('info', V.noSessions[f.lang]) : resultsTable(f.lang, records, zone)}`;
    return sendPage(reply, 200, f.render(V.timeline[f.lang], body, { path: `${SESSIONS_PATH}/` }));
  });

  const showUser = async (reply: FastifyReply, f: StaffForm, username: string, status: number, message: string) => {
    const facts = await accountFacts(rt, username);
    const body = `${back(f.lang)}<h1>${esc(username)}</h1>${message}<p><a href="${SESSIONS_PATH}?user=${encodeURIComponent(username)}">${V.sessions[f.lang]}</a></p>${stateList(f.lang, facts)}${suspensionForm(f.lang, f.csrf, facts.account, secUserPath(username))}`;
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
