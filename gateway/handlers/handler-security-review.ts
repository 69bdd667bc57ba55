import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import { registerSecurityAlerts } from './handler-security-alerts.js';
import { registerSecurityProjects } from './handler-security-projects.js';
import { registerSecuritySessions } from './handler-security-sessions.js';
import { registerSecurityUsers } from './handler-security-users.js';

/**
 * The security console's review pages beside its search (issue 13 item 3), in the pages scope because they take
 * forms: alerts with acknowledgement, session timelines, an account with suspend / resume, a project with suspend / resume.
 */
export function registerSecurityReview(app: FastifyInstance, rt: Runtime): void {
  registerSecurityAlerts(app, rt);
  registerSecuritySessions(app, rt);
  registerSecurityUsers(app, rt);
  registerSecurityProjects(app, rt);
}
