import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue } from '../core/errors.js';
import type { Runtime } from '../runtime.js';
import { currentSession } from './current-session.js';
import type { Role, SessionRecord } from '../stores/types.js';

/**
 * Authorises a staff action (AC-5): a live session made on this terminal whose roles include one of `roles`.
 * A refusal is answered (401/403 JSON) and, when a session exists, audited as a staff action outside the role.
 * Returns the session, or null when the reply has been sent.
 */
export async function requireRole(
  rt: Runtime,
  req: FastifyRequest,
  reply: FastifyReply,
  roles: readonly Role[],
  action: string,
): Promise<SessionRecord | null> {
  const current = await currentSession(rt, req);
  if (current.session === null) {
    if (current.unavailable) reply.code(503).send({ error: 'STORE_UNAVAILABLE', message: errorCatalogue.STORE_UNAVAILABLE.message });
    else reply.code(401).send({ error: 'NOT_AUTHENTICATED', message: errorCatalogue.NOT_AUTHENTICATED.message });
    return null;
  }
  const found = current.session;
  if (found.restriction) {
    reply.code(403).send({ error: 'FORBIDDEN', message: 'Change your password first.', reason: 'password-change-required' });
    return null;
  }
  if (!found.roles.some((r) => roles.includes(r))) {
    await rt.audit.security({
      event: 'staff-action-refused',
      action,
      by: found.user,
      roles: found.roles,
      required: roles,
      session: found.id,
      terminal: found.terminal,
      address: req.hic.address,
    });
    reply.code(403).send({ error: 'FORBIDDEN', message: errorCatalogue.FORBIDDEN.message });
    return null;
  }
  return found;
}

/** Records a staff action durably before the response (LOG-6). */
export async function auditStaffAction(
  rt: Runtime,
  staff: SessionRecord | { user: string },
  action: string,
  details: Record<string, unknown>,
): Promise<void> {
  await rt.audit.security({ event: 'staff-action', action, by: staff.user, ...details });
}
