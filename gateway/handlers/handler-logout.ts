import type { FastifyInstance } from 'fastify';
import { csrfField, csrfToken, csrfValid } from '../http/csrf.js';
import { sendPage } from '../http/send-page.js';
import { pickLang, text } from '../pages/i18n.js';
import { page } from '../pages/layout.js';
import type { Runtime } from '../runtime.js';
import { clearCookie, readCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import { isWellFormedToken, sessionIdOf } from '../sessions/tokens.js';

/**
 * Logout. GET shows a confirmation form (a link alone must not log anyone out: CSRF); POST ends the session on
 * every instance and closes its WebSockets.
 */
export function registerLogout(app: FastifyInstance, rt: Runtime): void {
  app.get<{ Querystring: { lang?: string } }>('/_hic/logout', async (req, reply) => {
    const lang = pickLang(req.headers, req.query.lang);
    const body = `<h1>${text.logout[lang]}</h1><p>${text.logoutConfirm[lang]}</p>
<form method="post" action="/_hic/logout">${csrfField(csrfToken(req, reply))}<button type="submit">${text.logout[lang]}</button></form>`;
    return sendPage(reply, 200, page(lang, text.logout[lang], body, { path: '/_hic/logout' }));
  });

  app.post('/_hic/logout', async (req, reply) => {
    if (!csrfValid(req)) {
      const lang = pickLang(req.headers);
      return sendPage(
        reply,
        403,
        page(lang, text.logout[lang], `<h1>${text.logout[lang]}</h1><p>${text.csrf[lang]}</p>`, { path: '/_hic/logout' }),
      );
    }
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (token && isWellFormedToken(token)) await rt.sessions.end(sessionIdOf(token), 'logout', undefined);
    return reply.code(303).header('set-cookie', clearCookie(SESSION_COOKIE)).header('location', '/_hic/login?out=1').send();
  });
}
