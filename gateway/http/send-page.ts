import type { FastifyReply } from 'fastify';
import { GATEWAY_PAGE_HEADERS } from './security-headers.js';

/** Sends a page the gateway itself renders, always with the strict headers (CSP, no framing, no caching). */
export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).headers(GATEWAY_PAGE_HEADERS).type('text/html; charset=utf-8').send(body);
}
