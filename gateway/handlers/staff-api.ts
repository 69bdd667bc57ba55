import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';

/**
 * Staff API areas under /_hic/api/, each authorised by role (http/staff-auth.ts) and audited. Each area adds
 * its own `register…` call here.
 */
export function registerStaffApi(_app: FastifyInstance, _rt: Runtime): void {}
