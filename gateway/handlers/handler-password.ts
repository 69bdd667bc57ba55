import type { FastifyInstance } from 'fastify';
import { csrfField, csrfToken, csrfValid } from '../http/csrf.js';
import { currentSession } from '../http/current-session.js';
import { LoginService } from '../login/login-service.js';
import { text } from '../pages/i18n.js';
import { esc, notice, page } from '../pages/layout.js';
import type { Runtime } from '../runtime.js';
import { hostCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import { changePassword } from '../users/password-change.js';
import { passwordRulesList } from '../pages/password-rules-list.js';
import { startPageOf } from '../pages/portal-menu.js';
import { idleMsLeft } from './handler-api-idle.js';
import { html, langOf, ruleError } from './page-helpers.js';

const labels = {
  heading: { ja: 'パスワードの変更', en: 'Change password' },
  forced: {
    ja: 'パスワードの変更が必要です（初回ログインまたは有効期限切れ）。',
    en: 'You must change your password (first login or expired).',
  },
  rules: {
    ja: '8文字以上で英字・数字・記号を混在させてください。13文字以上なら定期変更は不要です。利用者IDや過去5回分のパスワードは使えません。',
    en: 'At least 8 characters mixing letters, digits and symbols; 13 or more never expire. Not your user ID nor one of your last 5 passwords.',
  },
  current: { ja: '現在のパスワード', en: 'Current password' },
  next: { ja: '新しいパスワード', en: 'New password' },
  confirm: { ja: '新しいパスワード（確認）', en: 'New password (again)' },
  mismatch: { ja: '確認用のパスワードが一致しません。', en: 'The two new passwords differ.' },
  done: { ja: 'パスワードを変更しました。', en: 'Your password has been changed.' },
};

type Form = { current?: string; next?: string; confirm?: string; _csrf?: string };

/**
 * The user's own password change (AUTH-3), as a page and as `POST /_hic/api/password {current, next}`. A restricted
 * session (first login, expired password) reaches only this and the enrolment.
 */
export function registerPassword(app: FastifyInstance, api: FastifyInstance, rt: Runtime): void {
  const login = new LoginService(rt);

  const form = (lang: 'ja' | 'en', csrf: string, forced: boolean, message = '', user = '', idleMs?: number) =>
    page(
      lang,
      labels.heading[lang],
      `<h1>${labels.heading[lang]}</h1>${forced ? notice('info', labels.forced[lang]) : ''}${message}<p>${labels.rules[lang]}</p>
<form method="post" action="/_hic/password">${csrfField(csrf)}
<label for="current">${labels.current[lang]}</label><input type="password" id="current" name="current" autocomplete="current-password" required>
<label for="next">${labels.next[lang]}</label><input type="password" id="next" name="next" autocomplete="new-password" required minlength="8">
<label for="confirm">${labels.confirm[lang]}</label><input type="password" id="confirm" name="confirm" autocomplete="new-password" required minlength="8">
${passwordRulesList(lang, { password: 'next', confirm: 'confirm', user })}
<button type="submit">${text.next[lang]}</button></form>`,
      { path: '/_hic/password', user, scripts: ['password-rules.js'], ...(idleMs !== undefined ? { idleMs } : {}) },
    );

  app.get('/_hic/password', async (req, reply) => {
    const current = await currentSession(rt, req);
    if (!current.session) return reply.code(302).header('location', '/_hic/login').send();
    const lang = langOf(req);
    return html(
      reply,
      200,
      form(
        lang,
        csrfToken(req, reply),
        current.session.restriction === 'password-change',
        '',
        current.session.user,
        idleMsLeft(rt, current.session),
      ),
    );
  });

  app.post<{ Body: Form }>('/_hic/password', async (req, reply) => {
    const current = await currentSession(rt, req);
    if (!current.session) return reply.code(302).header('location', '/_hic/login').send();
    const session = current.session;
    const lang = langOf(req);
    const forced = session.restriction === 'password-change';
    const again = (status: number, message: string) =>
      html(reply, status, form(lang, csrfToken(req, reply), forced, notice('error', message), session.user, idleMsLeft(rt, session)));
    if (!csrfValid(req)) return again(403, text.csrf[lang]);
    const { current: pw = '', next = '', confirm = '' } = req.body ?? {};
    if (next !== confirm) return again(422, labels.mismatch[lang]);
    const result = await changePassword(rt, session.user, String(pw), String(next));
    if (!result.ok) return again(422, result.message[lang]);
    if (!session.restriction) {
      const home = startPageOf(session.roles);
      return html(
        reply,
        200,
        page(
          lang,
          labels.heading[lang],
          `<h1>${labels.heading[lang]}</h1>${notice('ok', labels.done[lang])}<p><a href="${esc(home)}">${esc(`→ ${home}`)}</a></p>`,
          { user: session.user, idleMs: idleMsLeft(rt, session) },
        ),
      );
    }
    const { token, record } = await login.continueSession(session, session.user);
    return reply
      .code(303)
      .header('set-cookie', hostCookie(SESSION_COOKIE, token))
      .header('location', record.restriction === 'totp-enrolment' ? '/_hic/enrol' : startPageOf(record.roles))
      .send();
  });

  api.post<{ Body: { current: string; next: string } }>(
    '/_hic/api/password',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['current', 'next'],
          properties: { current: { type: 'string', maxLength: 1024 }, next: { type: 'string', maxLength: 1024 } },
        },
      },
    },
    async (req, reply) => {
      const current = await currentSession(rt, req);
      if (!current.session)
        return reply.code(current.unavailable ? 503 : 401).send({ error: current.unavailable ? 'STORE_UNAVAILABLE' : 'NOT_AUTHENTICATED' });
      const session = current.session;
      const result = await changePassword(rt, session.user, req.body.current, req.body.next);
      if (!result.ok) return ruleError(reply, 422, result.rule, result.message);
      if (!session.restriction) return reply.send({ ok: true });
      const { token, record } = await login.continueSession(session, session.user);
      return reply
        .header('set-cookie', hostCookie(SESSION_COOKIE, token))
        .send({ ok: true, ...(record.restriction ? { restriction: record.restriction } : {}) });
    },
  );
}
