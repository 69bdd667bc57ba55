import type { Runtime } from '../runtime.js';
import type { RequestContext } from './context.js';
import { ALLOW, deny, type Decision } from './decision.js';

/**
 * Stage 5 — policy (AC-1, AC-4, DATA-1): the session's one project, reached only from that project's networks and
 * terminals; then what the project's workspace profile says of the route (downloads, uploads, administration and
 * terminals refused; content reads and writes judged). Account state (suspension, project end) is enforced by
 * ending the sessions at once, so no account read is needed here.
 */
export function checkPolicy(ctx: RequestContext, rt: Runtime): Decision {
  const session = ctx.session!;
  if (session.restriction) return deny('password-change-required');
  if (session.project === '') return deny('project-required');
  const project = rt.projects.get(session.project);
  if (!project) return deny('project-unknown');
  if (!project.usableAt(rt.clock.now())) return deny('project-inactive');
  if (!ctx.terminal!.projects.includes(project.id)) return deny('terminal-not-assigned');
  if (!project.networks.has(ctx.address)) return deny('network-not-approved');
  ctx.project = project;
  // An upgrade is judged as the GET it becomes, and only the profile's WebSocket endpoints may upgrade.
  if (ctx.upgrade && !project.routes.mayUpgrade(ctx.path)) return deny('upgrade-not-allowed');
  // DATA-1: no direct download or upload; data moves only through a reviewed request.
  const route = project.routes.judge(ctx.method, ctx.path, ctx.query);
  if (route !== null && 'refuse' in route) return deny(route.refuse);
  ctx.route = route;
  return ALLOW;
}
