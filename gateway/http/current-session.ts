import type { FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';
import { readCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import type { SessionRecord } from '../stores/types.js';

export type CurrentSession = { session: SessionRecord; token: string } | { session: null; unavailable: boolean };

/**
 * The live session of a gateway-page request: cookie → session made on this terminal, not idle, not past its
 * lifetime (gateway pages run only the terminal and network stages, so handlers that need a user call this).
 */
export async function currentSession(rt: Runtime, req: FastifyRequest): Promise<CurrentSession> {
  const token = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (!token) return { session: null, unavailable: false };
  const found = await rt.sessions.resolve(token);
  if (found === 'unavailable') return { session: null, unavailable: true };
  if (!found || found.terminal !== req.hic.fingerprint) return { session: null, unavailable: false };
  if ((await rt.sessions.checkActivity(token, found, true)) !== 'active') return { session: null, unavailable: false };
  req.hic.session = found;
  return { session: found, token };
}
