import type { Runtime } from '../runtime.js';
import type { RequestContext } from './context.js';
import { ALLOW, deny, type Decision } from './decision.js';

/** Methods that only read (RFC 9110 9.2.1): everything else changes state. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Stage 4 — origin (CSRF and cross-site WebSocket hijacking). The gateway presents the workspace credential on every
 * forwarded request, and a request carrying it skips Jupyter's own Origin and XSRF checks; so the gateway makes them:
 * a state-changing request or an upgrade that a browser marks as coming from another origin is refused. `Origin`
 * must be one of the gateway's own origins when present; `Sec-Fetch-Site`, when present, must say same-origin (or
 * none: typed by the user). Non-browser clients send neither and still need the session cookie, which the browser
 * never sends cross-site (SameSite=Strict).
 */
export function checkOrigin(ctx: RequestContext, rt: Runtime): Decision {
  if (!ctx.upgrade && SAFE.has(ctx.method)) return ALLOW;
  const origin = ctx.headers.origin;
  if (origin !== undefined && !rt.origins.allowed.has(origin)) return deny('origin-mismatch');
  const site = ctx.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return deny('origin-mismatch');
  return ALLOW;
}
