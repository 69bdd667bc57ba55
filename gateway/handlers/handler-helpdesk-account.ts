import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isHicError } from '../core/errors.js';
import { csrfToken, csrfValid } from '../http/csrf.js';
import { sendPage } from '../http/send-page.js';
import { requireStaffPage, type StaffPage } from '../http/staff-page.js';
import { text } from '../pages/i18n.js';
import { esc, notice } from '../pages/layout.js';
import {
  actionForms,
  DOCUMENT_VALUES,
  ledgerTable,
  METHOD_VALUES,
  resetCodeBox,
  stateList,
  W,
  HELPDESK_PATH,
} from '../pages/helpdesk-views.js';
import type { Runtime } from '../runtime.js';
import { accountFacts } from './account-facts.js';
import { startReset } from '../users/reset.js';
import { unlockUser } from '../users/unlock.js';

type Params = { Params: { username: string } };
type Evidence = { method?: string; document?: string; reference?: string; lostAuthenticator?: string; _csrf?: string };

/**
 * One account on the helpdesk screen (issue 13 item 2): its state, its ledger, and the two actions the helpdesk
 * may take after an identity check — unlock (AUTH-4) and start a reset (AUTH-5). The verifier recorded is the
 * logged-in helpdesk user. Every view and action is audited by the services or here (LOG-6).
 */
export function registerHelpdeskAccount(app: FastifyInstance, rt: Runtime): void {
  const show = async (reply: FastifyReply, ok: StaffPage, username: string, csrf: string, status = 200, message = '') => {
    const { staff, lang, render } = ok;
    const facts = await accountFacts(rt, username);
    const { account, zone } = facts;
    const body = `<p><a href="${HELPDESK_PATH}">← ${W.find[lang]}</a></p><h1>${esc(account.username)}</h1>${message}${stateList(lang, facts)}${actionForms(lang, account, csrf, staff.user)}${ledgerTable(lang, account, zone)}`;
    return sendPage(reply, status, render(`${W.title[lang]}: ${account.username}`, body));
  };

  app.get<Params>(`${HELPDESK_PATH}users/:username`, async (req, reply) => {
    const ok = await requireStaffPage(rt, req, reply, ['helpdesk'], 'user.show');
    if (!ok) return reply;
    await rt.audit.security({
      event: 'staff-action',
      action: 'user.show',
      by: ok.staff.user,
      user: req.params.username,
      via: 'helpdesk-page',
    });
    return show(reply, ok, req.params.username, csrfToken(req, reply));
  });

  /** The identity check as the form sent it; the verifier is the helpdesk user, the lists are closed. */
  const evidenceOf = (body: Evidence | undefined, verifier: string) => {
    const method = String(body?.method ?? '');
    const document = String(body?.document ?? '');
    if (!METHOD_VALUES.includes(method) || !DOCUMENT_VALUES.includes(document)) return null;
    const reference = String(body?.reference ?? '')
      .trim()
      .slice(0, 200);
    return { verifiedBy: verifier, method, document, ...(reference ? { reference } : {}) };
  };

  /**
   * The start both actions share: the helpdesk page guard, the CSRF check and the identity check the form records.
   * Null when it has answered already (refused, or asked again for the evidence).
   */
  const checkedStep = async (req: FastifyRequest<Params & { Body: Evidence }>, reply: FastifyReply, action: string) => {
    const ok = await requireStaffPage(rt, req, reply, ['helpdesk'], action);
    if (!ok) return null;
    const csrf = csrfToken(req, reply);
    const again = (status: number, message: string) => show(reply, ok, req.params.username, csrf, status, notice('error', message));
    if (!csrfValid(req)) {
      await again(403, text.csrf[ok.lang]);
      return null;
    }
    const evidence = evidenceOf(req.body, ok.staff.user);
    if (!evidence) {
      await again(422, W.evidenceMissing[ok.lang]);
      return null;
    }
    return { ok, lang: ok.lang, staff: ok.staff, csrf, evidence };
  };

  app.post<Params & { Body: Evidence }>(`${HELPDESK_PATH}users/:username/unlock`, async (req, reply) => {
    const step = await checkedStep(req, reply, 'user.unlock');
    if (!step) return reply;
    const { ok, lang, staff, csrf, evidence } = step;
    try {
      await unlockUser(rt, req.params.username, evidence, staff.user);
    } catch (err) {
      if (isHicError(err) && err.code === 'NOT_LOCKED')
        return show(reply, ok, req.params.username, csrf, 409, notice('info', W.notLocked[lang]));
      throw err;
    }
    return show(reply, ok, req.params.username, csrf, 200, notice('ok', W.unlocked[lang]));
  });

  app.post<Params & { Body: Evidence }>(`${HELPDESK_PATH}users/:username/reset`, async (req, reply) => {
    const step = await checkedStep(req, reply, 'user.reset');
    if (!step) return reply;
    const { ok, lang, staff, csrf, evidence } = step;
    try {
      const started = await startReset(rt, req.params.username, evidence, staff.user, {
        lostAuthenticator: req.body?.lostAuthenticator === '1',
      });
      return show(
        reply,
        ok,
        req.params.username,
        csrf,
        201,
        resetCodeBox(lang, started.code, Date.parse(started.expiresAt), started.needsApproval, rt.config.pages.timezone),
      );
    } catch (err) {
      if (isHicError(err) && err.code === 'BAD_REQUEST') {
        const msg =
          lang === 'ja'
            ? '認証アプリが未登録です。「認証アプリを紛失している」を選んでください（管理者の承認が必要です）。'
            : (err.detail ?? err.message);
        return show(reply, ok, req.params.username, csrf, 422, notice('error', msg));
      }
      throw err;
    }
  });
}
