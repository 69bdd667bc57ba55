import type { FastifyInstance } from 'fastify';
import { csrfField, csrfToken, csrfValid } from '../http/csrf.js';
import { text } from '../pages/i18n.js';
import { esc, notice, page } from '../pages/layout.js';
import { passwordRulesList } from '../pages/password-rules-list.js';
import type { Runtime } from '../runtime.js';
import { completeReset } from '../users/reset.js';
import { html, langOf, ruleError } from './page-helpers.js';

const labels = {
  heading: { ja: 'パスワードの再設定', en: 'Reset your password' },
  help: {
    ja: 'ヘルプデスクから伝えられたリセットコードと、認証アプリのコードを入力し、新しいパスワードを決めてください。',
    en: 'Enter the reset code the helpdesk gave you and the code from your authenticator app, then choose a new password.',
  },
  resetCode: { ja: 'リセットコード', en: 'Reset code' },
  newPassword: { ja: '新しいパスワード', en: 'New password' },
  confirm: { ja: '新しいパスワード（確認）', en: 'New password (again)' },
  mismatch: { ja: '確認用のパスワードが一致しません。', en: 'The two new passwords differ.' },
  totpHint: {
    ja: '認証アプリをなくした場合は空欄のまま（管理者の承認が必要です）。',
    en: 'Leave empty if you lost your authenticator (an administrator must approve).',
  },
  done: { ja: 'パスワードを再設定しました。ログインしてください。', en: 'Your password has been reset. Please log in.' },
};

type Body = { username?: string; code?: string; totp?: string; next?: string; confirm?: string; _csrf?: string };

/**
 * Completing a helpdesk reset (AUTH-5): only the user can, with the reset code and their own TOTP (or, for a lost
 * authenticator, after an administrator's approval), and only the user chooses the new password.
 */
export function registerReset(app: FastifyInstance, api: FastifyInstance, rt: Runtime): void {
  const form = (lang: 'ja' | 'en', csrf: string, message = '', username = '') =>
    page(
      lang,
      labels.heading[lang],
      `<h1>${labels.heading[lang]}</h1>${message}<p>${labels.help[lang]}</p>
<form method="post" action="/_hic/reset">${csrfField(csrf)}
<label for="username">${text.username[lang]}</label><input type="text" id="username" name="username" autocomplete="username" required value="${esc(username)}">
<label for="code">${labels.resetCode[lang]}</label><input type="text" id="code" name="code" autocomplete="off" required>
<label for="totp">${text.code[lang]}</label><input type="text" id="totp" name="totp" inputmode="numeric" autocomplete="one-time-code" aria-describedby="totp-hint"><small id="totp-hint">${labels.totpHint[lang]}</small>
<label for="next">${labels.newPassword[lang]}</label><input type="password" id="next" name="next" autocomplete="new-password" required>
<label for="confirm">${labels.confirm[lang]}</label><input type="password" id="confirm" name="confirm" autocomplete="new-password" required>
${passwordRulesList(lang, { password: 'next', confirm: 'confirm', userField: 'username' })}
<button type="submit">${text.next[lang]}</button></form>`,
      { path: '/_hic/reset', scripts: ['password-rules.js'] },
    );

  app.get('/_hic/reset', async (req, reply) => html(reply, 200, form(langOf(req), csrfToken(req, reply))));

  app.post<{ Body: Body }>('/_hic/reset', async (req, reply) => {
    const lang = langOf(req);
    if (!csrfValid(req)) return html(reply, 403, form(lang, csrfToken(req, reply), notice('error', text.csrf[lang])));
    const b = req.body ?? {};
    const username = String(b.username ?? '').slice(0, 64);
    if (String(b.next ?? '') !== String(b.confirm ?? ''))
      return html(reply, 422, form(lang, csrfToken(req, reply), notice('error', labels.mismatch[lang]), username));
    const result = await completeReset(rt, username, String(b.code ?? ''), String(b.totp ?? ''), String(b.next ?? ''));
    if (!result.ok) return html(reply, 422, form(lang, csrfToken(req, reply), notice('error', result.message[lang]), username));
    // The login page then says the password was reset (not "logged out", which it never was).
    return reply.code(303).header('location', '/_hic/login?reset=1').send();
  });

  api.post<{ Body: Required<Omit<Body, '_csrf' | 'totp' | 'confirm'>> & { totp?: string } }>(
    '/_hic/api/reset',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'code', 'next'],
          properties: {
            username: { type: 'string', maxLength: 64 },
            code: { type: 'string', maxLength: 32 },
            totp: { type: 'string', maxLength: 8 },
            next: { type: 'string', maxLength: 1024 },
          },
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const result = await completeReset(rt, b.username, b.code, b.totp ?? '', b.next);
      if (!result.ok) return ruleError(reply, 422, result.rule, result.message);
      return reply.send({ ok: true, reenrol: result.reenrol });
    },
  );
}
