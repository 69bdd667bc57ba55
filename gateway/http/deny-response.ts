import type { FastifyReply, FastifyRequest } from 'fastify';
import { refusalResponse, type Refused } from './refusal.js';

/** Sends a refusal of the request path through Fastify (gateway/http/refusal.ts decides what it looks like). */
export function sendDenial(req: FastifyRequest, reply: FastifyReply, decision: Refused): FastifyReply {
  const r = refusalResponse(decision, {
    method: req.method,
    url: req.url,
    headers: req.headers,
    lang: (req.query as Record<string, string> | undefined)?.lang,
  });
  return reply.code(r.status).headers(r.headers).send(r.body);
}
