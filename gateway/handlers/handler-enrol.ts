import type { FastifyInstance } from 'fastify';
import { totpQrSvg } from '../accounts/totp-qr.js';
import { csrfField, csrfToken, csrfValid } from '../http/csrf.js';
import { currentSession } from '../http/current-session.js';
import { LoginService } from '../login/login-service.js';
import { text } from '../pages/i18n.js';
import { esc, notice, page } from '../pages/layout.js';
import type { Runtime } from '../runtime.js';
import { hostCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import { confirmEnrolment, offerEnrolment } from '../users/enrolment.js';
import { html, langOf } from './page-helpers.js';

const labels = {
  heading: { ja: '認証アプリの登録', en: 'Enrol your authenticator' },
  help: {
    ja: '認証アプリ（Google Authenticator、Microsoft Authenticator など）でQRコードを読み取り、表示された6桁のコードを入力してください。',
    en: 'Scan the QR code with an authenticator app (Google Authenticator, Microsoft Authenticator, …) and enter the 6-digit code it shows.',
  },
  manual: { ja: '手入力用のキー', en: 'Key for manual entry' },
  wrong: { ja: 'コードが正しくありません。もう一度お試しください。', en: 'The code is not correct. Please try again.' },
};

/**
 * TOTP enrolment at first login (AUTH-2): the secret is shown once (QR code as an image, no script) and counts only
 * after the user confirms it with a code. Also as JSON: `POST /_hic/api/totp/enrolment` → `{secret, uri}`, then
 * `POST /_hic/api/totp/enrolment/confirm {code}`.
 */
export function registerEnrol(app: FastifyInstance, api: FastifyInstance, rt: Runtime): void {
  const login = new LoginService(rt);

  app.get('/_hic/enrol', async (req, reply) => {
    const current = await currentSession(rt, req);
    if (!current.session || current.session.restriction !== 'totp-enrolment') return reply.code(302).header('location', '/_hic/login').send();
    const lang = langOf(req);
    const offer = await offerEnrolment(rt, current.session.user, current.session.id);
    const qr = Buffer.from(await totpQrSvg(offer.uri)).toString('base64');
    return html(
      reply,
      200,
      page(
        lang,
        labels.heading[lang],
        `<h1>${labels.heading[lang]}</h1><p>${labels.help[lang]}</p>
<p><img src="data:image/svg+xml;base64,${qr}" alt="otpauth QR" width="220" height="220"></p>
<p>${labels.manual[lang]}: <code>${esc(offer.secret)}</code></p>
<form method="post" action="/_hic/enrol">${csrfField(csrfToken(req, reply))}
<label for="code">${text.code[lang]}</label><input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">${text.verify[lang]}</button></form>`,
        { path: '/_hic/enrol' },
      ),
    );
  });

  app.post<{ Body: { code?: string; _csrf?: string } }>('/_hic/enrol', async (req, reply) => {
    const current = await currentSession(rt, req);
    if (!current.session || current.session.restriction !== 'totp-enrolment') return reply.code(302).header('location', '/_hic/login').send();
    const lang = langOf(req);
    if (!csrfValid(req) || !(await confirmEnrolment(rt, current.session.user, current.session.id, String(req.body?.code ?? '')))) {
      return html(reply, 422, page(lang, labels.heading[lang], `<h1>${labels.heading[lang]}</h1>${notice('error', labels.wrong[lang])}<p><a href="/_hic/enrol">${labels.heading[lang]}</a></p>`));
    }
    const { token } = await login.continueSession(current.session, current.session.user);
    return reply.code(303).header('set-cookie', hostCookie(SESSION_COOKIE, token)).header('location', '/').send();
  });

  api.post('/_hic/api/totp/enrolment', async (req, reply) => {
    const current = await currentSession(rt, req);
    if (!current.session || current.session.restriction !== 'totp-enrolment') return reply.code(409).send({ error: 'CONFLICT', message: 'No enrolment is pending for this session.' });
    const offer = await offerEnrolment(rt, current.session.user, current.session.id);
    return reply.header('cache-control', 'no-store').send(offer);
  });

  api.post<{ Body: { code: string } }>(
    '/_hic/api/totp/enrolment/confirm',
    { schema: { body: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', maxLength: 8 } } } } },
    async (req, reply) => {
      const current = await currentSession(rt, req);
      if (!current.session || current.session.restriction !== 'totp-enrolment') return reply.code(409).send({ error: 'CONFLICT', message: 'No enrolment is pending for this session.' });
      if (!(await confirmEnrolment(rt, current.session.user, current.session.id, req.body.code))) {
        return reply.code(422).send({ error: 'POLICY_VIOLATION', rule: 'totp-invalid', message: labels.wrong });
      }
      const { token, record } = await login.continueSession(current.session, current.session.user);
      return reply.code(201).header('set-cookie', hostCookie(SESSION_COOKIE, token)).send({ ok: true, user: record.user, project: record.project });
    },
  );
}
