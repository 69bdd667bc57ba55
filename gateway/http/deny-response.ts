import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue } from '../core/errors.js';
import { denialText, pickLang, text } from '../pages/i18n.js';
import { page } from '../pages/layout.js';
import type { Decision } from '../request-path/decision.js';
import { wantsJson } from './request-kind.js';
import { sendPage } from './send-page.js';

/**
 * Turns a refusal into what the person or script should see: a redirect to login for a browser without a
 * session, a 401/403/503 JSON for scripts, a plain page otherwise. Problems with the person's own terminal or
 * network are named (they can act on them); everything else stays generic.
 */
export function sendDenial(req: FastifyRequest, reply: FastifyReply, decision: Extract<Decision, { allow: false }>): FastifyReply {
  const path = req.url;
  const json = wantsJson(path, req.headers);
  const explained = denialText[decision.reason];
  if (decision.status === 401 && !json && (req.method === 'GET' || req.method === 'HEAD')) {
    const next = encodeURIComponent(path.startsWith('/_hic/') ? '/' : path);
    const idle = decision.reason === 'session-idle-expired' ? '&idle=1' : '';
    return reply.code(302).header('location', `/_hic/login?next=${next}${idle}`).header('cache-control', 'no-store').send();
  }
  if (decision.reason === 'password-change-required' && !json) {
    return reply.code(302).header('location', '/_hic/password').header('cache-control', 'no-store').send();
  }
  const code = decision.status === 401 ? 'NOT_AUTHENTICATED' : decision.status === 503 ? 'STORE_UNAVAILABLE' : 'FORBIDDEN';
  if (json) {
    const body: Record<string, string> = { error: code, message: errorCatalogue[code].message };
    if (explained) body.reason = decision.reason;
    return reply.code(decision.status).header('cache-control', 'no-store').send(body);
  }
  const lang = pickLang(req.headers, (req.query as Record<string, string> | undefined)?.lang);
  const message = explained?.[lang] ?? (decision.status === 401 ? text.loginExpired[lang] : text.denied[lang]);
  return sendPage(reply, decision.status, page(lang, text.denied[lang], `<h1>${text.denied[lang]}</h1><p>${message}</p>`));
}
