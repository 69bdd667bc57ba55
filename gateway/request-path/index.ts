import { then, type Pending } from '../core/pending.js';
import type { Runtime } from '../runtime.js';
import type { RequestContext } from './context.js';
import { ALLOW, type Decision } from './decision.js';
import { checkNetwork } from './network.js';
import { checkOrigin } from './origin.js';
import { checkPolicy } from './policy.js';
import { checkSession } from './session.js';
import { checkTerminal } from './terminal.js';

/**
 * The per-request path, in order: terminal → network → session → origin → policy. The audit record is written when
 * the response ends (the onResponse hook in gateway/server.ts) and forwarding follows (gateway/proxy/). Default deny:
 * the first stage that refuses decides.
 *
 * Every way in uses this: proxied HTTP (gateway/proxy/http.ts), WebSocket upgrades (gateway/proxy/websocket.ts)
 * and, with the first two stages only, the gateway's own pages. In steady state (verdict and session cached)
 * every stage answers synchronously and so does the path: no promise per request (core/pending.ts).
 */
export function runRequestPath(ctx: RequestContext, rt: Runtime): Pending<Decision> {
  return then(checkTerminal(ctx, rt), (terminal) => {
    if (!terminal.allow) return terminal;
    const network = checkNetwork(ctx, rt);
    if (!network.allow) return network;
    return then(checkSession(ctx, rt), (session) => {
      if (!session.allow) return session;
      const origin = checkOrigin(ctx, rt);
      return origin.allow ? checkPolicy(ctx, rt) : origin;
    });
  });
}

/** The stages that guard the gateway's own pages (login needs a registered terminal on an approved network). */
export function runGatewayPagePath(ctx: RequestContext, rt: Runtime): Pending<Decision> {
  return then(checkTerminal(ctx, rt), (terminal) => {
    if (!terminal.allow) return terminal;
    const network = checkNetwork(ctx, rt);
    return network.allow ? ALLOW : network;
  });
}

export type { Decision } from './decision.js';
export type { RequestContext } from './context.js';
export { newContext } from './context.js';
