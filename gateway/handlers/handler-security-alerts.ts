import type { FastifyInstance, FastifyReply } from 'fastify';
import { ALERT_ACK_ACTION, findAlert, reviewAlerts } from '../audit-review/alerts.js';
import { sendPage } from '../http/send-page.js';
import { auditStaffAction } from '../http/staff-auth.js';
import { requireStaffForm, seeOther, type StaffForm } from '../http/staff-form.js';
import { doneNotice } from '../pages/done-notice.js';
import { text } from '../pages/i18n.js';
import { notice } from '../pages/layout.js';
import { ALERTS_PATH, alertsTable, backToConsole, REVIEW_WINDOW_MS, V } from '../pages/security-review-views.js';
import type { Runtime } from '../runtime.js';

/**
 * The alert list of the security console (issue 13 item 3; LOG-4), security role only: the last 7 days, newest
 * first, each with its acknowledgement or a form to give one. The acknowledgement is itself an audit record (who,
 * when, note: `alert.ack`), written once; viewing the list is audited too.
 */
export function registerSecurityAlerts(app: FastifyInstance, rt: Runtime): void {
  const dir = rt.config.audit.dir;
  const zone = rt.config.pages.timezone;
  const alertsPage = async (reply: FastifyReply, f: StaffForm, status: number, message: string) => {
    const now = rt.clock.now();
    const alerts = await reviewAlerts(dir, now - REVIEW_WINDOW_MS, now + 1, now);
    const body = `${backToConsole(f.lang)}<h1>${V.alerts[f.lang]}</h1>${message}<p>${V.alertsHelp[f.lang]}</p>${alertsTable(f.lang, alerts, f.csrf, zone)}`;
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
    const note = String(req.body?.['note'] ?? '')
      .trim()
      .slice(0, 200);
    const alert = await findAlert(dir, ref, rt.clock.now());
    if (!alert) return alertsPage(reply, f, 404, notice('error', V.noAlert[f.lang]));
    if (alert.ack) return alertsPage(reply, f, 409, notice('info', V.already[f.lang](alert.ack.by)));
    const e = alert.match.entry as Record<string, unknown>;
    await auditStaffAction(rt, f.staff, ALERT_ACK_ACTION, {
      alert: ref,
      type: e['type'] ?? null,
      alertTime: alert.match.entry.time,
      user: e['user'] ?? null,
      ...(note ? { note } : {}),
    });
    return seeOther(reply, ALERTS_PATH, 'acknowledged');
  });
}
