import type { Runtime } from '../runtime.js';
import type { RequestContext } from './context.js';
import { ALLOW, type Decision } from './decision.js';
import { checkNetwork } from './network.js';
import { checkPolicy } from './policy.js';
import { checkSession } from './session.js';
import { checkTerminal } from './terminal.js';

/**
 * The per-request path, in order: terminal → network → session → policy. The audit record is written when
 * the response ends (gateway/audit/access-record.ts) and forwarding follows (gateway/proxy/). Default deny:
 * the first stage that refuses decides.
 *
 * Every way in uses this: proxied HTTP (gateway/proxy/http.ts), WebSocket upgrades (gateway/proxy/websocket.ts)
 * and, with the first two stages only, the gateway's own pages.
 */
export async function runRequestPath(ctx: RequestContext, rt: Runtime): Promise<Decision> {
  let d = await checkTerminal(ctx, rt);
  if (!d.allow) return d;
  d = checkNetwork(ctx, rt);
  if (!d.allow) return d;
  d = await checkSession(ctx, rt);
  if (!d.allow) return d;
  return checkPolicy(ctx, rt);
}

/** The stages that guard the gateway's own pages (login needs a registered terminal on an approved network). */
export async function runGatewayPagePath(ctx: RequestContext, rt: Runtime): Promise<Decision> {
  const d = await checkTerminal(ctx, rt);
  if (!d.allow) return d;
  const n = checkNetwork(ctx, rt);
  return n.allow ? ALLOW : n;
}

export type { Decision } from './decision.js';
export type { RequestContext } from './context.js';
export { newContext } from './context.js';
