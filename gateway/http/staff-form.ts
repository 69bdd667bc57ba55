import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import type { Role } from '../stores/types.js';
import { csrfToken, csrfValid } from './csrf.js';
import { requireStaffPage, type StaffPage } from './staff-page.js';

/** A staff page request with the CSRF token for the forms it renders and, for a POST, whether the sent one held. */
export interface StaffForm extends StaffPage {
  csrf: string;
  /** False when a POST's token did not match (or came from another site): the handler refuses with 403. */
  csrfOk: boolean;
}

/**
 * Authorises a staff page or form (http/staff-page.ts: login redirect, role, 403 audited) and sets up its CSRF
 * token (http/csrf.ts). Returns null when the reply has been sent.
 */
export async function requireStaffForm(
  rt: Runtime,
  req: FastifyRequest,
  reply: FastifyReply,
  roles: readonly Role[],
  action: string,
): Promise<StaffForm | null> {
  const ok = await requireStaffPage(rt, req, reply, roles, action);
  if (!ok) return null;
  return { ...ok, csrf: csrfToken(req, reply), csrfOk: req.method !== 'POST' || csrfValid(req) };
}

/** After a form did its work: back to a page saying what happened (POST → redirect → GET; a reload repeats nothing). */
export function seeOther(reply: FastifyReply, path: string, done: string): FastifyReply {
  return reply
    .code(303)
    .header('cache-control', 'no-store')
    .header('location', `${path}?done=${encodeURIComponent(done)}`)
    .send();
}
