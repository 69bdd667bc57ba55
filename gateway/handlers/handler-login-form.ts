import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfField, csrfToken, csrfValid } from '../http/csrf.js';
import { safeNext } from '../http/next-target.js';
import { sendPage as html } from '../http/send-page.js';
import { LoginService } from '../login/login-service.js';
import { type Lang, pickLang, text } from '../pages/i18n.js';
import { esc, notice, page } from '../pages/layout.js';
import { startPageOf } from '../pages/portal-menu.js';
import type { Runtime } from '../runtime.js';
import { clearCookie, hostCookie, LANG_COOKIE, LOGIN_COOKIE, readCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import { loginOrigin } from './origin.js';
import { EphemeralKeys } from '../stores/ephemeral-keys.js';

/** A password step that succeeded, waiting for the TOTP step on the same terminal. */
interface PendingLogin {
  username: string;
  fingerprint: string;
  next: string;
}
const PENDING_MS = EphemeralKeys.loginPending.ttlMs;

type Query = { next?: string; lang?: string; idle?: string; out?: string; reset?: string };
type Form = { username?: string; password?: string; code?: string; _csrf?: string; next?: string };

function langOf(req: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply): Lang {
  const q = req.query.lang;
  if (q === 'en' || q === 'ja') reply.header('set-cookie', hostCookie(LANG_COOKIE, q, { maxAgeSeconds: 31536000 }));
  return pickLang(req.headers, q);
}

/**
 * The standing hint for people who cannot log in: the same text for every visitor and after every failure, so it
 * tells nothing about whether an account exists or is locked (AUTH-4's generic answer stays generic).
 */
function cannotLogInHint(lang: Lang, contact: string | undefined): string {
  return `<section class="hint" aria-labelledby="hint-h"><h2 id="hint-h">${text.cannotLogin[lang]}</h2><p>${text.cannotLoginHelp[lang]}</p>${
    contact ? `<p>${text.helpdeskContact[lang]}: <span id="helpdesk-contact">${esc(contact)}</span></p>` : ''
  }<p><a href="/_hic/reset">${text.haveResetCode[lang]}</a></p></section>`;
}

function passwordForm(lang: Lang, csrf: string, next: string, message = '', username = '', contact?: string): string {
  // After a failure the user id stays filled in and the password field takes the focus.
  return page(
    lang,
    text.login[lang],
    `<h1>${text.login[lang]}</h1>${message}
<form method="post" action="/_hic/login">${csrfField(csrf)}<input type="hidden" name="next" value="${esc(next)}">
<label for="username">${text.username[lang]}</label><input type="text" id="username" name="username" autocomplete="username" required value="${esc(username)}"${username ? '' : ' autofocus'}>
<label for="password">${text.password[lang]}</label><input type="password" id="password" name="password" autocomplete="current-password" required${username ? ' autofocus' : ''}>
<button type="submit">${text.next[lang]}</button></form>${cannotLogInHint(lang, contact)}`,
  );
}

function totpForm(lang: Lang, csrf: string, message = ''): string {
  return page(
    lang,
    text.totpHeading[lang],
    `<h1>${text.totpHeading[lang]}</h1>${message}<p>${text.totpHelp[lang]}</p>
<form method="post" action="/_hic/login/totp">${csrfField(csrf)}
<label for="code">${text.code[lang]}</label><input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" required autofocus>
<button type="submit">${text.verify[lang]}</button></form>`,
  );
}

/** The browser login: password page, then TOTP page (AUTH-1). One generic message for every failure. */
export function registerLoginForm(app: FastifyInstance, rt: Runtime): void {
  const login = new LoginService(rt);
  const contact = rt.config.pages.helpdeskContact;

  app.get<{ Querystring: Query }>('/_hic/login', async (req, reply) => {
    const lang = langOf(req, reply);
    const q = req.query;
    const info = q.idle
      ? notice('info', text.idleNotice[lang])
      : q.reset
        ? notice('ok', text.resetDone[lang])
        : q.out
          ? notice('info', text.loggedOut[lang])
          : '';
    return html(reply, 200, passwordForm(lang, csrfToken(req, reply), safeNext(q.next, rt.config.server.publicOrigin), info, '', contact));
  });

  app.post<{ Querystring: Query; Body: Form }>('/_hic/login', async (req, reply) => {
    const lang = langOf(req, reply);
    const next = safeNext(req.body?.next, rt.config.server.publicOrigin);
    const { username = '', password = '' } = req.body ?? {};
    const typed = String(username).slice(0, 64);
    if (!csrfValid(req))
      return html(reply, 403, passwordForm(lang, csrfToken(req, reply), next, notice('error', text.csrf[lang]), typed, contact));
    const origin = loginOrigin(req);
    const outcome = await login.checkPassword(String(username), String(password), origin);
    if (!outcome.ok) {
      const status = outcome.rateLimited ? 429 : 401;
      if (outcome.retryAfterSeconds !== undefined) reply.header('retry-after', String(outcome.retryAfterSeconds));
      const message = outcome.rateLimited ? text.loginThrottled[lang] : text.loginFailed[lang];
      return html(reply, status, passwordForm(lang, csrfToken(req, reply), next, notice('error', message), typed, contact));
    }
    if (outcome.next === 'set-up') {
      const { token } = await login.startSession(outcome.account, origin, 'form');
      return reply.code(303).header('set-cookie', hostCookie(SESSION_COOKIE, token)).header('location', '/_hic/password').send();
    }
    const pendingId = randomBytes(24).toString('base64url');
    const pending: PendingLogin = { username: outcome.account.username, fingerprint: origin.fingerprint, next };
    await rt.stores.ephemeral.put(EphemeralKeys.loginPending.key(pendingId), JSON.stringify(pending), EphemeralKeys.loginPending.ttlMs);
    return reply
      .code(303)
      .header('set-cookie', hostCookie(LOGIN_COOKIE, pendingId, { maxAgeSeconds: PENDING_MS / 1000 }))
      .header('location', '/_hic/login/totp')
      .send();
  });

  app.get<{ Querystring: Query }>('/_hic/login/totp', async (req, reply) => {
    const lang = langOf(req, reply);
    if (!readCookie(req.headers.cookie, LOGIN_COOKIE)) return reply.code(303).header('location', '/_hic/login').send();
    return html(reply, 200, totpForm(lang, csrfToken(req, reply)));
  });

  app.post<{ Querystring: Query; Body: Form }>('/_hic/login/totp', async (req, reply) => {
    const lang = langOf(req, reply);
    if (!csrfValid(req)) return html(reply, 403, totpForm(lang, csrfToken(req, reply), notice('error', text.csrf[lang])));
    const pendingId = readCookie(req.headers.cookie, LOGIN_COOKIE);
    const raw = pendingId ? await rt.stores.ephemeral.get(EphemeralKeys.loginPending.key(pendingId)) : null;
    const pending = raw ? (JSON.parse(raw) as PendingLogin) : null;
    const origin = loginOrigin(req);
    if (!pending || pending.fingerprint !== origin.fingerprint) {
      return html(reply, 401, passwordForm(lang, csrfToken(req, reply), '', notice('error', text.loginExpired[lang]), '', contact));
    }
    const account = await rt.stores.accounts.get(pending.username);
    const ok = account !== null && (await login.checkTotp(account, String(req.body?.code ?? ''), origin));
    if (!ok) return html(reply, 401, totpForm(lang, csrfToken(req, reply), notice('error', text.loginFailed[lang])));
    await rt.stores.ephemeral.delete(EphemeralKeys.loginPending.key(pendingId!));
    const { token, record } = await login.startSession(account, origin, 'form');
    return reply
      .code(303)
      .header('set-cookie', [hostCookie(SESSION_COOKIE, token), clearCookie(LOGIN_COOKIE)])
      .header('location', record.restriction ? '/_hic/password' : pending.next || startPageOf(record.roles))
      .send();
  });
}
