import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue } from '../core/errors.js';
import type { Runtime } from '../runtime.js';
import type { SessionRecord } from '../stores/types.js';
import { currentSession } from './current-session.js';

/**
 * The analyst's side of a transfer (request, download): a live session made on this terminal, and the same
 * conditions as for the workspace itself (AC-1, AC-3, AC-4) — the session's project usable, this terminal assigned
 * to it, this address in its approved networks. A refusal is answered and, for a session, audited.
 */
export async function requireAnalyst(rt: Runtime, req: FastifyRequest, reply: FastifyReply, action: string): Promise<SessionRecord | null> {
  const session = await liveSession(rt, req, reply);
  if (session === null) return null;
  const reason = refusal(rt, req, session);
  if (reason !== null) {
    await rt.audit.security({
      event: 'staff-action-refused',
      action,
      by: session.user,
      roles: session.roles,
      reason,
      session: session.id,
      terminal: session.terminal,
      address: req.hic.address,
    });
    reply.code(403).send({ error: 'FORBIDDEN', message: errorCatalogue.FORBIDDEN.message, reason });
    return null;
  }
  return session;
}

function refusal(rt: Runtime, req: FastifyRequest, session: SessionRecord): string | null {
  if (session.restriction) return 'password-change-required';
  if (!session.roles.includes('analyst')) return 'role';
  const project = rt.projects.get(session.project);
  if (!project) return 'project-unknown';
  if (!project.usableAt(rt.clock.now())) return 'project-inactive';
  if (!req.hic.terminal?.projects.includes(project.id)) return 'terminal-not-assigned';
  if (!project.networks.has(req.hic.address)) return 'network-not-approved';
  return null;
}

/** Reading requests: an analyst (their own, checked by the caller) or a reviewer; nobody else (helpdesk sees none). */
export async function requireViewer(rt: Runtime, req: FastifyRequest, reply: FastifyReply, action: string): Promise<SessionRecord | null> {
  const session = await liveSession(rt, req, reply);
  if (session === null) return null;
  if (session.restriction || !session.roles.some((r) => r === 'analyst' || r === 'reviewer')) {
    await rt.audit.security({
      event: 'staff-action-refused',
      action,
      by: session.user,
      roles: session.roles,
      required: ['analyst', 'reviewer'],
      session: session.id,
      terminal: session.terminal,
      address: req.hic.address,
    });
    reply.code(403).send({ error: 'FORBIDDEN', message: errorCatalogue.FORBIDDEN.message });
    return null;
  }
  return session;
}

/** The request's live session, or null after answering 401 (none) or 503 (the store cannot tell: fail closed). */
async function liveSession(rt: Runtime, req: FastifyRequest, reply: FastifyReply): Promise<SessionRecord | null> {
  const current = await currentSession(rt, req);
  if (current.session !== null) return current.session;
  if (current.unavailable) reply.code(503).send({ error: 'STORE_UNAVAILABLE', message: errorCatalogue.STORE_UNAVAILABLE.message });
  else reply.code(401).send({ error: 'NOT_AUTHENTICATED', message: errorCatalogue.NOT_AUTHENTICATED.message });
  return null;
}
