import type { FastifyReply, FastifyRequest } from 'fastify';
import { GATEWAY_PAGE_HEADERS } from '../http/security-headers.js';
import { type Lang, pickLang } from '../pages/i18n.js';

/** Sends a gateway page with the strict headers every page carries. */
export function html(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(GATEWAY_PAGE_HEADERS).type('text/html; charset=utf-8').send(body);
}

export function langOf(req: FastifyRequest): Lang {
  return pickLang(req.headers, (req.query as Record<string, string> | undefined)?.lang);
}

/** A JSON error naming the rule that failed (the password API's contract). */
export function ruleError(reply: FastifyReply, status: number, rule: string, message: { ja: string; en: string }): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send({ error: 'POLICY_VIOLATION', rule, message });
}
