import { clientAddress } from '../net/client-address.js';
import type { Runtime } from '../runtime.js';
import type { RequestContext } from './context.js';
import { ALLOW, deny, type Decision } from './decision.js';

/**
 * Stage 2 — network (AC-1): the client address must be inside an approved network of a project the terminal
 * is assigned to. The policy stage narrows this to the session's own project.
 */
export function checkNetwork(ctx: RequestContext, rt: Runtime): Decision {
  ctx.address = clientAddress(ctx.socket.remoteAddress, ctx.headers['x-forwarded-for'], rt.trustedProxies);
  const projects = ctx.terminal?.projects ?? [];
  for (let i = 0; i < projects.length; i++) {
    if (rt.projects.get(projects[i]!)?.networks.has(ctx.address)) return ALLOW;
  }
  if (rt.staffNetworks.has(ctx.address) && projects.length === 0) return ALLOW;
  return deny('network-not-approved');
}
