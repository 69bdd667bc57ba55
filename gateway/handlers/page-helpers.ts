import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from '../http/send-page.js';
import { type Lang, pickLang } from '../pages/i18n.js';

/** Sends a gateway page with the strict headers every page carries. */
export const html = sendPage;

export function langOf(req: FastifyRequest): Lang {
  return pickLang(req.headers, (req.query as Record<string, string> | undefined)?.lang);
}

/** A JSON error naming the rule that failed (the password API's contract). */
export function ruleError(reply: FastifyReply, status: number, rule: string, message: { ja: string; en: string }): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error: 'POLICY_VIOLATION', rule, message });
}
