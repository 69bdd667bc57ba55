import { isHicError } from '../core/errors.js';
import type { Runtime } from '../runtime.js';
import { auditStaffAction } from './staff-auth.js';

/**
 * Runs a staff operation and audits its outcome when it fails (LOG-6: every staff action is recorded, refused ones
 * too); the caller records the success with what it produced.
 */
export async function audited<T>(
  rt: Runtime,
  staff: { user: string },
  action: string,
  details: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const error = isHicError(err) ? err.code : 'INTERNAL';
    await auditStaffAction(rt, staff, action, { ...details, outcome: 'failed', error, message: (err as Error).message });
    throw err;
  }
}
