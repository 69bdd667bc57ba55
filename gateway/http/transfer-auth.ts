import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue } from '../core/errors.js';
import { checkPolicy } from '../request-path/policy.js';
import type { Runtime } from '../runtime.js';
import type { SessionRecord } from '../stores/types.js';
import { currentSession } from './current-session.js';

/**
 * The analyst's side of a transfer (request, download): a live session made on this terminal, and the same
 * policy as the workspace itself — the session's project usable, this terminal assigned to it, this address in
 * its approved networks (request-path/policy.ts). A refusal is answered and, for a session, audited.
 */
export async function requireAnalyst(rt: Runtime, req: FastifyRequest, reply: FastifyReply, action: string): Promise<SessionRecord | null> {
  const current = await currentSession(rt, req);
  if (current.session === null) {
    if (current.unavailable) reply.code(503).send({ error: 'STORE_UNAVAILABLE', message: errorCatalogue.STORE_UNAVAILABLE.message });
    else reply.code(401).send({ error: 'NOT_AUTHENTICATED', message: errorCatalogue.NOT_AUTHENTICATED.message });
    return null;
  }
  const session = current.session;
  const decision = session.roles.includes('analyst') ? checkPolicy(req.hic, rt) : { allow: false as const, reason: 'role' };
  if (!decision.allow) {
    await rt.audit.security({ event: 'staff-action-refused', action, by: session.user, roles: session.roles, reason: decision.reason, session: session.id, terminal: session.terminal, address: req.hic.address });
    reply.code(403).send({ error: 'FORBIDDEN', message: errorCatalogue.FORBIDDEN.message, reason: decision.reason });
    return null;
  }
  return session;
}

/** Reading requests: an analyst (their own, checked by the caller) or a reviewer; nobody else (helpdesk sees none). */
export async function requireViewer(rt: Runtime, req: FastifyRequest, reply: FastifyReply, action: string): Promise<SessionRecord | null> {
  const current = await currentSession(rt, req);
  if (current.session === null) {
    if (current.unavailable) reply.code(503).send({ error: 'STORE_UNAVAILABLE', message: errorCatalogue.STORE_UNAVAILABLE.message });
    else reply.code(401).send({ error: 'NOT_AUTHENTICATED', message: errorCatalogue.NOT_AUTHENTICATED.message });
    return null;
  }
  const session = current.session;
  if (session.restriction || !session.roles.some((r) => r === 'analyst' || r === 'reviewer')) {
    await rt.audit.security({ event: 'staff-action-refused', action, by: session.user, roles: session.roles, required: ['analyst', 'reviewer'], session: session.id, terminal: session.terminal, address: req.hic.address });
    reply.code(403).send({ error: 'FORBIDDEN', message: errorCatalogue.FORBIDDEN.message });
    return null;
  }
  return session;
}
