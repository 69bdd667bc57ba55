import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import { registerAdminPages } from './handler-admin-home.js';
import { registerHelpdeskAccount } from './handler-helpdesk-account.js';
import { registerHelpdeskFind } from './handler-helpdesk-find.js';
import { registerPortalHome } from './handler-portal-home.js';
import { registerSecurityReview } from './handler-security-review.js';

/**
 * The staff pages under /_hic/ (issue 13): the portal and each role's screens, every one authorised by role
 * (http/staff-page.ts), never cached, CSRF on every form. Each area adds its `register…` call here.
 */
export function registerStaffPages(pages: FastifyInstance, rt: Runtime): void {
  registerPortalHome(pages, rt);
  registerHelpdeskFind(pages, rt);
  registerHelpdeskAccount(pages, rt);
  registerAdminPages(pages, rt);
  registerSecurityReview(pages, rt);
}
