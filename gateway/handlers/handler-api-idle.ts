import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorCatalogue } from '../core/errors.js';
import { currentSession } from '../http/current-session.js';
import type { Runtime } from '../runtime.js';
import { readCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import type { SessionRecord } from '../stores/types.js';

/** Milliseconds until the idle logout (SES-1) of a session as last seen. */
export function idleMsLeft(rt: Runtime, session: SessionRecord): number {
  return Math.max(0, session.lastActiveAt + rt.config.session.idleTimeoutSeconds * 1000 - rt.clock.now());
}

function notLoggedIn(reply: FastifyReply, unavailable: boolean): FastifyReply {
  const code = unavailable ? 'STORE_UNAVAILABLE' : 'NOT_AUTHENTICATED';
  return reply
    .code(errorCatalogue[code].status)
    .header('cache-control', 'no-store')
    .send({ error: code, message: errorCatalogue[code].message });
}

/** The session of the request, checked like currentSession but without counting the request as an operation. */
async function sessionWithoutActivity(rt: Runtime, req: FastifyRequest): Promise<SessionRecord | 'none' | 'unavailable'> {
  const token = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (!token) return 'none';
  const found = await rt.sessions.resolve(token);
  if (found === 'unavailable') return 'unavailable';
  if (!found || found.terminal !== req.hic.fingerprint) return 'none';
  return (await rt.sessions.checkActivity(token, found, false)) === 'active' ? found : 'none';
}

/**
 * What the idle warning script asks (gateway/pages/scripts.ts): `GET /_hic/api/session/idle` → `{idleMs}` without
 * moving the idle clock (asking is not working), and `POST /_hic/api/session/activity` → `{idleMs}` when the user
 * presses "Continue", which is an operation. JSON only (the API scope), so no cross-site form can touch it.
 */
export function registerIdleApi(api: FastifyInstance, rt: Runtime): void {
  api.get('/_hic/api/session/idle', async (req, reply) => {
    const s = await sessionWithoutActivity(rt, req);
    if (typeof s === 'string') return notLoggedIn(reply, s === 'unavailable');
    return reply.header('cache-control', 'no-store').send({ idleMs: idleMsLeft(rt, s) });
  });

  api.post('/_hic/api/session/activity', async (req, reply) => {
    const current = await currentSession(rt, req);
    if (!current.session) return notLoggedIn(reply, current.unavailable);
    return reply.header('cache-control', 'no-store').send({ idleMs: idleMsLeft(rt, current.session) });
  });
}
