import type { TransferRequest } from '../stores/types.js';
import type { TransferContext } from './context.js';

/**
 * Every step of a transfer is a security event in the audit chain (LOG-6), naming the user, project, file name,
 * size and SHA-256, so the security team's search finds it by user or project and the hash outlives the file.
 */
export async function transferEvent(
  tc: TransferContext,
  step: string,
  r: TransferRequest,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await tc.audit.security({
    event: 'transfer',
    step,
    id: r.id,
    direction: r.direction,
    user: r.user,
    project: r.project,
    name: r.name,
    path: r.path,
    size: r.size,
    sha256: r.sha256,
    ...extra,
  });
}

/** A reviewer's decision is a staff action (AC-5): `by` is the reviewer, `user` the analyst who asked. */
export async function decisionEvent(
  tc: TransferContext,
  action: string,
  by: string,
  r: TransferRequest,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await tc.audit.security({
    event: 'staff-action',
    action,
    by,
    id: r.id,
    direction: r.direction,
    user: r.user,
    project: r.project,
    name: r.name,
    size: r.size,
    sha256: r.sha256,
    ...extra,
  });
}
