import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { totpQrSvg } from '../accounts/totp-qr.js';
import { csrfField, csrfToken, csrfValid } from '../http/csrf.js';
import { currentSession } from '../http/current-session.js';
import { LoginService } from '../login/login-service.js';
import { text } from '../pages/i18n.js';
import { esc, notice, page } from '../pages/layout.js';
import type { Runtime } from '../runtime.js';
import { hostCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import { confirmEnrolment, offerEnrolment } from '../users/enrolment.js';
import type { SessionRecord } from '../stores/types.js';
import { idleMsLeft } from './handler-api-idle.js';
import { html, langOf } from './page-helpers.js';
import { startPageOf } from '../pages/portal-menu.js';

const labels = {
  heading: { ja: '認証アプリの登録', en: 'Enrol your authenticator' },
  help: {
    ja: '認証アプリ（Google Authenticator、Microsoft Authenticator など）でQRコードを読み取り、表示された6桁のコードを入力してください。',
    en: 'Scan the QR code with an authenticator app (Google Authenticator, Microsoft Authenticator, …) and enter the 6-digit code it shows.',
  },
  manual: { ja: '手入力用のキー', en: 'Key for manual entry' },
  qrAlt: { ja: '認証アプリ登録用のQRコード', en: 'QR code for your authenticator app' },
  same: {
    ja: 'このページを再読み込みしても同じQRコードが表示されます（15分間有効）。読み取り済みの場合は、そのまま表示されているコードを入力してください。',
    en: 'Reloading this page shows the same QR code (valid for 15 minutes). If you have already scanned it, just enter the code your app shows.',
  },
  wrong: { ja: 'コードが正しくありません。もう一度お試しください。', en: 'The code is not correct. Please try again.' },
};

/**
 * TOTP enrolment at first login (AUTH-2): the secret is shown once (QR code as an image, no script) and counts only
 * after the user confirms it with a code. Also as JSON: `POST /_hic/api/totp/enrolment` → `{secret, uri}`, then
 * `POST /_hic/api/totp/enrolment/confirm {code}`.
 */
export function registerEnrol(app: FastifyInstance, api: FastifyInstance, rt: Runtime): void {
  const login = new LoginService(rt);

  /** The enrolment page: the user's one pending secret as QR code and text, with an optional message. */
  const enrolPage = async (req: FastifyRequest, reply: FastifyReply, session: SessionRecord, status: number, message = '') => {
    const lang = langOf(req);
    const offer = await offerEnrolment(rt, session.user);
    const qr = Buffer.from(await totpQrSvg(offer.uri)).toString('base64');
    return html(
      reply,
      status,
      page(
        lang,
        labels.heading[lang],
        `<h1>${labels.heading[lang]}</h1>${message}<p>${labels.help[lang]}</p>
<p><img src="data:image/svg+xml;base64,${qr}" alt="${labels.qrAlt[lang]}" width="220" height="220"></p>
<p>${labels.manual[lang]}: <code id="totp-secret">${esc(offer.secret)}</code></p><p>${labels.same[lang]}</p>
<form method="post" action="/_hic/enrol">${csrfField(csrfToken(req, reply))}
<label for="code">${text.code[lang]}</label><input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
<button type="submit">${text.verify[lang]}</button></form>`,
        { path: '/_hic/enrol', user: session.user, idleMs: idleMsLeft(rt, session) },
      ),
    );
  };

  app.get('/_hic/enrol', async (req, reply) => {
    const current = await currentSession(rt, req);
    if (!current.session || current.session.restriction !== 'totp-enrolment')
      return reply.code(302).header('location', '/_hic/login').send();
    return enrolPage(req, reply, current.session, 200);
  });

  app.post<{ Body: { code?: string; _csrf?: string } }>('/_hic/enrol', async (req, reply) => {
    const current = await currentSession(rt, req);
    if (!current.session || current.session.restriction !== 'totp-enrolment')
      return reply.code(302).header('location', '/_hic/login').send();
    const lang = langOf(req);
    if (!csrfValid(req)) return enrolPage(req, reply, current.session, 403, notice('error', text.csrf[lang]));
    // A wrong code keeps the same QR code on screen: the user retries with the entry already in the phone.
    if (!(await confirmEnrolment(rt, current.session.user, String(req.body?.code ?? '')))) {
      return enrolPage(req, reply, current.session, 422, notice('error', labels.wrong[lang]));
    }
    const { token, record } = await login.continueSession(current.session, current.session.user);
    return reply.code(303).header('set-cookie', hostCookie(SESSION_COOKIE, token)).header('location', startPageOf(record.roles)).send();
  });

  api.post('/_hic/api/totp/enrolment', async (req, reply) => {
    const current = await currentSession(rt, req);
    if (!current.session || current.session.restriction !== 'totp-enrolment')
      return reply.code(409).send({ error: 'CONFLICT', message: 'No enrolment is pending for this session.' });
    const offer = await offerEnrolment(rt, current.session.user);
    return reply.header('cache-control', 'no-store').send(offer);
  });

  api.post<{ Body: { code: string } }>(
    '/_hic/api/totp/enrolment/confirm',
    {
      schema: {
        body: { type: 'object', required: ['code'], additionalProperties: false, properties: { code: { type: 'string', maxLength: 8 } } },
      },
    },
    async (req, reply) => {
      const current = await currentSession(rt, req);
      if (!current.session || current.session.restriction !== 'totp-enrolment')
        return reply.code(409).send({ error: 'CONFLICT', message: 'No enrolment is pending for this session.' });
      if (!(await confirmEnrolment(rt, current.session.user, req.body.code))) {
        return reply.code(422).send({ error: 'POLICY_VIOLATION', rule: 'totp-invalid', message: labels.wrong });
      }
      const { token, record } = await login.continueSession(current.session, current.session.user);
      return reply
        .code(201)
        .header('set-cookie', hostCookie(SESSION_COOKIE, token))
        .send({ ok: true, user: record.user, project: record.project });
    },
  );
}
