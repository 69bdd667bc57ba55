import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorCatalogue, type ErrorCode } from '../core/errors.js';
import { LoginService } from '../login/login-service.js';
import type { Runtime } from '../runtime.js';
import { clearCookie, hostCookie, readCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import { isWellFormedToken, sessionIdOf } from '../sessions/tokens.js';
import { currentSession } from '../http/current-session.js';
import { loginOrigin } from './origin.js';

function fail(reply: FastifyReply, code: ErrorCode, detail?: string): FastifyReply {
  return reply.code(errorCatalogue[code].status).send({ error: code, message: detail ?? errorCatalogue[code].message });
}

const loginSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['username', 'password'],
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 64 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
      totp: { type: 'string', maxLength: 8 },
    },
  },
} as const;

/**
 * Login for scripts: `POST /_hic/api/session` with JSON `{username, password, totp}` → 201 + the session cookie;
 * `DELETE` logs out; `GET` tells who is logged in. The API scope accepts application/json bodies only, so a
 * cross-site HTML form cannot reach it (CSRF).
 */
export function registerApiSession(app: FastifyInstance, rt: Runtime): void {
  const login = new LoginService(rt);

  app.post<{ Body: { username: string; password: string; totp?: string } }>(
    '/_hic/api/session',
    { schema: loginSchema },
    async (req, reply) => {
      const origin = loginOrigin(req);
      const { username, password, totp = '' } = req.body;
      const outcome = await login.checkPassword(username, password, origin);
      if (!outcome.ok) {
        if (outcome.retryAfterSeconds !== undefined) reply.header('retry-after', String(outcome.retryAfterSeconds));
        return fail(reply, outcome.rateLimited ? 'RATE_LIMITED' : 'LOGIN_FAILED');
      }
      // First login without an authenticator: a restricted session that can only change the password and enrol.
      if (outcome.next === 'totp' && !(await login.checkTotp(outcome.account, totp, origin))) return fail(reply, 'LOGIN_FAILED');
      const { token, record } = await login.startSession(outcome.account, origin, 'api');
      return reply
        .code(201)
        .header('set-cookie', hostCookie(SESSION_COOKIE, token))
        .header('cache-control', 'no-store')
        .send({
          user: record.user,
          project: record.project,
          roles: record.roles,
          expiresAt: new Date(record.expiresAt).toISOString(),
          ...(record.restriction ? { restriction: record.restriction } : {}),
        });
    },
  );

  app.get('/_hic/api/session', async (req, reply) => {
    const current = await currentSession(rt, req);
    if (current.session === null) return fail(reply, current.unavailable ? 'STORE_UNAVAILABLE' : 'NOT_AUTHENTICATED');
    const found = current.session;
    return reply.header('cache-control', 'no-store').send({
      user: found.user,
      project: found.project,
      roles: found.roles,
      terminalId: found.terminalId,
      loginAt: new Date(found.createdAt).toISOString(),
      ...(found.restriction ? { restriction: found.restriction } : {}),
      expiresAt: new Date(found.expiresAt).toISOString(),
    });
  });

  app.delete('/_hic/api/session', async (req, reply) => {
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!token || !isWellFormedToken(token)) return fail(reply, 'NOT_AUTHENTICATED');
    const ended = await rt.sessions.end(sessionIdOf(token), 'logout');
    if (!ended) return fail(reply, 'NOT_AUTHENTICATED');
    return reply.code(204).header('set-cookie', clearCookie(SESSION_COOKIE)).send();
  });
}
