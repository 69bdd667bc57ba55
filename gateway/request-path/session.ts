import { readCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import type { Runtime } from '../runtime.js';
import type { RequestContext } from './context.js';
import { ALLOW, deny, type Decision } from './decision.js';

/**
 * Stage 3 — session (SES-1, AC-2): a live session made on this very terminal, not idle for 20 minutes and
 * under its absolute lifetime. Served from the in-process cache in steady state (no Redis round trip).
 */
export async function checkSession(ctx: RequestContext, rt: Runtime): Promise<Decision> {
  const token = readCookie(ctx.headers.cookie, SESSION_COOKIE);
  if (token === null) return deny('session-missing');
  const found = await rt.sessions.resolve(token);
  if (found === 'unavailable') return deny('store-unavailable');
  if (found === null) return deny('session-invalid');
  if (found.terminal !== ctx.fingerprint) {
    rt.audit.securityLater({ event: 'session-terminal-mismatch', user: found.user, session: found.id, terminal: ctx.fingerprint, address: ctx.address });
    return deny('session-terminal-mismatch');
  }
  const polling = rt.projects.get(found.project)?.isPolling(ctx.path) ?? false;
  const verdict = await rt.sessions.checkActivity(token, found, !polling);
  if (verdict !== 'active') return deny(verdict);
  ctx.session = found;
  return ALLOW;
}
