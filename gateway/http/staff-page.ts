import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue } from '../core/errors.js';
import { formatLocal } from '../core/local-time.js';
import { idleMsLeft } from '../handlers/handler-api-idle.js';
import { pickLang, text, type Lang } from '../pages/i18n.js';
import { page, type PageOptions } from '../pages/layout.js';
import { staffMenu } from '../pages/portal-menu.js';
import type { Runtime } from '../runtime.js';
import type { Role, SessionRecord } from '../stores/types.js';
import { currentSession } from './current-session.js';
import { wantsJson } from './request-kind.js';
import { sendPage } from './send-page.js';

/** A staff page's request, authorised: who, in which language, and the shell to render into. */
export interface StaffPage {
  staff: SessionRecord;
  lang: Lang;
  /** Renders a page with the header (user, time, logout), the person's menu and the idle warning. */
  render(title: string, body: string, opts?: PageOptions): string;
}

/**
 * Authorises a staff page (AC-5) the way a browser expects: no session → the login page, which brings the person
 * back here (`next`); first-login restriction → the password page; outside the role → a 403 page with the
 * person's own menu, audited as `staff-action-refused`. Scripts (request-kind.ts) get the JSON answers of the API.
 * Returns null when the reply has been sent.
 */
export async function requireStaffPage(
  rt: Runtime,
  req: FastifyRequest,
  reply: FastifyReply,
  roles: readonly Role[],
  action: string,
): Promise<StaffPage | null> {
  const json = wantsJson(req.url, req.headers);
  const lang = pickLang(req.headers, (req.query as Record<string, string> | undefined)?.lang);
  const current = await currentSession(rt, req);
  if (current.session === null) {
    if (current.unavailable) return (send(reply, json, 503, 'STORE_UNAVAILABLE', lang), null);
    if (json) return (send(reply, true, 401, 'NOT_AUTHENTICATED', lang), null);
    reply
      .code(302)
      .header('cache-control', 'no-store')
      .header('location', `/_hic/login?next=${encodeURIComponent(req.url.split('?')[0]!)}`)
      .send();
    return null;
  }
  const staff = current.session;
  if (staff.restriction) {
    if (json) reply.code(403).send({ error: 'FORBIDDEN', message: 'Change your password first.', reason: 'password-change-required' });
    else reply.code(302).header('cache-control', 'no-store').header('location', '/_hic/password').send();
    return null;
  }
  const render = (title: string, body: string, opts: PageOptions = {}) =>
    page(lang, title, body, {
      user: staff.user,
      time: `${formatLocal(rt.clock.now(), rt.config.pages.timezone).slice(0, 16)} (${rt.config.pages.timezone})`,
      menu: staffMenu(lang, staff.roles, req.url.split('?')[0]!),
      idleMs: idleMsLeft(rt, staff),
      path: req.url.split('?')[0]!,
      wide: true,
      ...opts,
    });
  if (roles.length > 0 && !staff.roles.some((r) => roles.includes(r))) {
    await rt.audit.security({
      event: 'staff-action-refused',
      action,
      by: staff.user,
      roles: staff.roles,
      required: roles,
      session: staff.id,
      terminal: staff.terminal,
      address: req.hic.address,
    });
    if (json) reply.code(403).send({ error: 'FORBIDDEN', message: errorCatalogue.FORBIDDEN.message });
    else
      sendPage(
        reply,
        403,
        render(
          text.denied[lang],
          `<h1>${text.denied[lang]}</h1><p>${lang === 'ja' ? 'このページを利用する権限がありません。上のメニューから利用できるページを選んでください。' : 'Your roles do not include this page. Choose one of yours from the menu above.'}</p>`,
        ),
      );
    return null;
  }
  return { staff, lang, render };
}

function send(reply: FastifyReply, json: boolean, status: number, code: 'STORE_UNAVAILABLE' | 'NOT_AUTHENTICATED', lang: Lang): void {
  if (json) reply.code(status).header('cache-control', 'no-store').send({ error: code, message: errorCatalogue[code].message });
  else sendPage(reply, status, page(lang, text.unavailable[lang], `<h1>${text.unavailable[lang]}</h1>`));
}
