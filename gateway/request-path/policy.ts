import type { Runtime } from '../runtime.js';
import type { RequestContext } from './context.js';
import { ALLOW, deny, type Decision } from './decision.js';

/**
 * Stage 4 — policy (AC-1, AC-4, DATA-1): the session's one project, reached only from that project's networks and
 * terminals, never for a download or upload route of its workspace profile. Account state (suspension, project end) is enforced by ending the sessions at once, so no account
 * read is needed here.
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
  // DATA-1: no direct download or upload; data moves only through a reviewed request.
  const transfer = project.transfer.classify(ctx.method, ctx.path);
  if (transfer === 'undecodable') return deny('path-invalid');
  if (transfer !== null) {
    if (!transfer.body) return deny(transfer.class === 'download' ? 'download-blocked' : 'upload-blocked');
    ctx.transfer = transfer;
  }
  return ALLOW;
}
