import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import { registerAuditApi } from './handler-api-audit.js';
import { registerCaApi } from './handler-api-ca.js';
import { registerExportsApi } from './handler-api-exports.js';
import { registerImportsApi } from './handler-api-imports.js';
import { registerUsersApi } from './handler-api-users.js';

/**
 * Staff API areas under /_hic/api/, each authorised by role (http/staff-auth.ts) and audited. Each area adds
 * its own `register…` call here.
 */
export function registerStaffApi(app: FastifyInstance, rt: Runtime): void {
  registerUsersApi(app, rt);
  registerCaApi(app, rt);
  registerAuditApi(app, rt);
  registerExportsApi(app, rt);
  registerImportsApi(app, rt);
}
