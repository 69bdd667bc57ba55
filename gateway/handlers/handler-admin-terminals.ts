import type { FastifyInstance, FastifyReply } from 'fastify';
import { keepBundle, takeBundle } from '../admin/terminal-bundle.js';
import { HicError, isHicError } from '../core/errors.js';
import { audited } from '../http/audited.js';
import { sendPage } from '../http/send-page.js';
import { auditStaffAction } from '../http/staff-auth.js';
import { requireStaffForm, seeOther, type StaffForm } from '../http/staff-form.js';
import {
  issuedBox,
  issueForm,
  R,
  registerFilters,
  registerTable,
  revokeForm,
  sentIssue,
  terminalFacts,
  type IssueForm,
} from '../pages/admin-terminal-views.js';
import { A, ADMIN_TERMINALS, adminNav, terminalPath } from '../pages/admin-views.js';
import { doneNotice } from '../pages/done-notice.js';
import { text } from '../pages/i18n.js';
import { esc, notice } from '../pages/layout.js';
import type { Runtime } from '../runtime.js';
import { gatewayLedgerDeps } from '../terminals/ca-source.js';
import { auditFieldsOf, enrolTerminal, filterTerminals, findTerminal, revokeTerminal } from '../terminals/index.js';

const DAY_MS = 86_400_000;
const EMPTY: IssueForm = { terminal: '', site: '', projects: [], validityDays: '', requestedBy: '', note: '' };
type Id = { Params: { id: string } };
type Body = { Body: Record<string, unknown> };

/**
 * Terminals on the administration pages (issue 13 item 4; HIC GL 第5-1 register, 第5-4-ii-② certificates): the
 * register with expiry and filters, issuing (the CA makes the key; the PKCS#12 is downloadable once, its password
 * shown once), one terminal with its certificate history, and revocation (sessions and connections cut at once,
 * CRL re-signed). Every action is audited like the CA API's (`ca.issue-terminal`, `ca.bundle-download`, `ca.revoke`).
 */
export function registerAdminTerminals(app: FastifyInstance, rt: Runtime): void {
  const zone = rt.config.pages.timezone;
  const list = async (reply: FastifyReply, f: StaffForm, status: number, top: string, filter = '', values = EMPTY) => {
    const now = rt.clock.now();
    const q = new URLSearchParams(filter);
    const terminals = filterTerminals(
      await rt.stores.terminals.list(),
      {
        status: q.get('status') === 'active' || q.get('status') === 'revoked' ? (q.get('status') as 'active' | 'revoked') : undefined,
        expiringWithinMs: q.get('expiring') === '30' ? 30 * DAY_MS : undefined,
      },
      now,
    );
    const projects = (await rt.stores.projects.list())
      .filter((p) => p.status === 'active')
      .map((p) => p.id)
      .sort();
    const body = `${adminNav(f.lang, ADMIN_TERMINALS)}<h1>${A.terminals[f.lang]}</h1>${top}<p>${A.recorded[f.lang]}</p>${registerFilters(f.lang, filter)}${registerTable(f.lang, terminals, now, zone)}${issueForm(f.lang, f.csrf, values, projects)}`;
    return sendPage(reply, status, f.render(A.terminals[f.lang], body, { path: ADMIN_TERMINALS }));
  };
  const show = async (reply: FastifyReply, f: StaffForm, id: string, status: number, message: string) => {
    const t = await findTerminal(rt.stores, id);
    const body = `${adminNav(f.lang, ADMIN_TERMINALS)}<p><a href="${ADMIN_TERMINALS}">← ${A.back[f.lang]}</a></p><h1>${esc(t.id)}</h1>${message}${terminalFacts(f.lang, t, rt.clock.now(), zone)}${revokeForm(f.lang, f.csrf, t)}`;
    return sendPage(reply, status, f.render(`${A.terminals[f.lang]}: ${t.id}`, body, { path: terminalPath(t.id) }));
  };
  const refusal = (err: unknown): HicError => {
    if (isHicError(err) && err.status < 500) return err;
    throw err;
  };

  app.get<{ Querystring: Record<string, string> }>(ADMIN_TERMINALS, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'ca.list');
    if (!f) return reply;
    const filter =
      req.query.status === 'active' || req.query.status === 'revoked'
        ? `status=${req.query.status}`
        : req.query.expiring === '30'
          ? 'expiring=30'
          : '';
    await auditStaffAction(rt, f.staff, 'ca.list', { filter, via: 'admin-page' });
    return list(reply, f, 200, '', filter);
  });

  app.post<Body>(ADMIN_TERMINALS, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'ca.issue-terminal');
    if (!f) return reply;
    const v = sentIssue(req.body);
    if (!f.csrfOk) return list(reply, f, 403, notice('error', text.csrf[f.lang]), '', v);
    const asked = { terminalId: v.terminal, site: v.site, projects: v.projects, via: 'admin-page' };
    let issued;
    try {
      issued = await audited(rt, f.staff, 'ca.issue-terminal', asked, async () => {
        const days = v.validityDays === '' ? undefined : Number(v.validityDays);
        if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 825))
          throw new HicError('BAD_REQUEST', `${R.validity[f.lang]}: 1–825`);
        const result = await enrolTerminal(await gatewayLedgerDeps(rt), {
          terminalId: v.terminal,
          site: v.site,
          projects: v.projects,
          validityDays: days,
          requestedBy: v.requestedBy || undefined,
          by: f.staff.user,
          note: v.note || undefined,
        });
        if (!result.p12 || !result.p12Password) throw new HicError('CA_ERROR', 'the CA made no PKCS#12 bundle');
        return { result, token: await keepBundle(rt, result.terminal.id, f.staff.user, result.p12), password: result.p12Password };
      });
    } catch (err) {
      const e = refusal(err);
      return list(reply, f, e.status, notice('error', e.detail ?? e.message), '', v);
    }
    await auditStaffAction(rt, f.staff, 'ca.issue-terminal', {
      ...auditFieldsOf(issued.result.terminal),
      requestedBy: issued.result.terminal.requestedBy,
      via: 'admin-page',
    });
    // The answer to the POST is the only page with the password; the bundle waits for one download.
    return list(reply, f, 201, issuedBox(f.lang, f.csrf, issued.result.terminal, issued.token, issued.password));
  });

  app.post<Id & Body>(`${ADMIN_TERMINALS}/:id/bundle`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'ca.bundle-download');
    if (!f) return reply;
    if (!f.csrfOk) return show(reply, f, req.params.id, 403, notice('error', text.csrf[f.lang]));
    const p12 = await takeBundle(rt, req.params.id, f.staff.user, String(req.body?.['token'] ?? ''));
    await auditStaffAction(rt, f.staff, 'ca.bundle-download', {
      terminalId: req.params.id,
      outcome: p12 ? 'downloaded' : 'refused',
      via: 'admin-page',
    });
    if (!p12) return show(reply, f, req.params.id, 410, notice('error', R.gone[f.lang]));
    return reply
      .header('content-type', 'application/x-pkcs12')
      .header('content-disposition', `attachment; filename="${req.params.id.replace(/[^A-Za-z0-9._-]/g, '_')}.p12"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(p12);
  });

  app.get<Id & { Querystring: { done?: string } }>(`${ADMIN_TERMINALS}/:id`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'ca.show');
    if (!f) return reply;
    await auditStaffAction(rt, f.staff, 'ca.show', { terminalId: req.params.id, via: 'admin-page' });
    return show(reply, f, req.params.id, 200, doneNotice(f.lang, req.query.done));
  });

  app.post<Id & Body>(`${ADMIN_TERMINALS}/:id/revoke`, async (req, reply) => {
    const f = await requireStaffForm(rt, req, reply, ['admin'], 'ca.revoke');
    if (!f) return reply;
    if (!f.csrfOk) return show(reply, f, req.params.id, 403, notice('error', text.csrf[f.lang]));
    const reason = String(req.body?.['reason'] ?? '');
    const note =
      String(req.body?.['note'] ?? '')
        .trim()
        .slice(0, 500) || undefined;
    let result;
    try {
      result = await audited(rt, f.staff, 'ca.revoke', { terminalId: req.params.id, reason, via: 'admin-page' }, async () =>
        revokeTerminal(await gatewayLedgerDeps(rt), { terminalId: req.params.id, reason, note, by: f.staff.user }),
      );
    } catch (err) {
      const e = refusal(err);
      return show(reply, f, req.params.id, e.status, notice('error', e.detail ?? e.message));
    }
    await auditStaffAction(rt, f.staff, 'ca.revoke', {
      ...auditFieldsOf(result.terminal),
      reason,
      note,
      sessionsEnded: result.sessionsEnded,
      crlNumber: result.crl?.number ?? null,
      via: 'admin-page',
    });
    return seeOther(reply, terminalPath(req.params.id), 'revoked');
  });
}
