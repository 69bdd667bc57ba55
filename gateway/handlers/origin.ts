import type { FastifyRequest } from 'fastify';
import type { LoginOrigin } from '../login/login-service.js';

/** The terminal and address the gateway-page stages established for this request. */
export function loginOrigin(req: FastifyRequest): LoginOrigin {
  const ctx = req.hic;
  return { terminal: ctx.terminal!, fingerprint: ctx.fingerprint!, address: ctx.address };
}
