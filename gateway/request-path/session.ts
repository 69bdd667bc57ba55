import { readCookie, SESSION_COOKIE } from '../sessions/cookies.js';
import { then, type Pending } from '../core/pending.js';
import type { Runtime } from '../runtime.js';
import type { RequestContext } from './context.js';
import { ALLOW, deny, type Decision } from './decision.js';

/**
 * Stage 3 — session (SES-1, AC-2): a live session made on this very terminal, not idle for 20 minutes and
 * under its absolute lifetime. Served from the in-process cache in steady state (no Redis round trip), then
 * synchronously (core/pending.ts). Background polling (by method, path and query, from the workspace profile) does
 * not move the idle clock; an upgrade does not either: what the client then sends on the socket does.
 */
export function checkSession(ctx: RequestContext, rt: Runtime): Pending<Decision> {
  const token = readCookie(ctx.headers.cookie, SESSION_COOKIE);
  if (token === null) return deny('session-missing');
  return then(rt.sessions.resolve(token), (found) => {
    if (found === 'unavailable') return deny('store-unavailable');
    if (found === null) return deny('session-invalid');
    if (found.terminal !== ctx.fingerprint) {
      rt.audit.securityLater({
        event: 'session-terminal-mismatch',
        user: found.user,
        session: found.id,
        terminal: ctx.fingerprint,
        address: ctx.address,
      });
      return deny('session-terminal-mismatch');
    }
    const polling = ctx.upgrade || (rt.projects.get(found.project)?.routes.isPolling(ctx.method, ctx.path, ctx.query) ?? false);
    return then(rt.sessions.checkActivity(token, found, !polling), (verdict) => {
      if (verdict !== 'active') return deny(verdict);
      ctx.session = found;
      return ALLOW;
    });
  });
}
