import { HicError } from '../core/errors.js';
import type { TransferRequest } from '../stores/types.js';
import type { TransferContext } from './context.js';
import { decisionEvent, transferEvent } from './events.js';
import { writeWorkspaceFile } from './workspace-client.js';

export type Outcome = 'approved' | 'rejected';

/**
 * A reviewer approves or rejects a pending request, with a comment (DATA-2/3 item 4). Never on their own request
 * (refused and audited). Compare-and-set: two reviewers deciding at once cannot both win. An approved export
 * becomes downloadable until validUntil; an approved import is written into the workspace at once.
 */
export async function decideTransfer(
  tc: TransferContext,
  id: string,
  reviewer: string,
  outcome: Outcome,
  comment: string,
): Promise<TransferRequest> {
  const r = await tc.stores.transfers.get(id);
  if (!r) throw new HicError('NOT_FOUND', 'No such request.');
  const action = `${r.direction}.${outcome === 'approved' ? 'approve' : 'reject'}`;
  if (r.user === reviewer) {
    await tc.audit.security({
      event: 'staff-action-refused',
      action,
      by: reviewer,
      id: r.id,
      user: r.user,
      project: r.project,
      reason: 'own-request',
    });
    throw new HicError('FORBIDDEN', 'A reviewer cannot decide on their own request.');
  }
  if (!comment.trim()) throw new HicError('BAD_REQUEST', 'A comment is required.');
  if (r.status !== 'pending') {
    throw new HicError(
      'CONFLICT',
      r.status === 'scan-pending' ? 'The file has not been scanned yet.' : `The request is already ${r.status}.`,
    );
  }
  const now = tc.clock.now();
  const next: TransferRequest = {
    ...r,
    status: outcome,
    decision: { outcome, by: reviewer, at: now, comment },
    validUntil: outcome === 'approved' && r.direction === 'export' ? now + r.validityMs : null,
  };
  if (!(await tc.stores.transfers.replace(next, r.revision)))
    throw new HicError('CONFLICT', 'The request was decided by someone else meanwhile.');
  await decisionEvent(tc, action, reviewer, r, {
    comment,
    ...(next.validUntil ? { validUntil: new Date(next.validUntil).toISOString() } : {}),
  });
  if (outcome === 'approved' && r.direction === 'import') return placeImport(tc, { ...next, revision: r.revision + 1 });
  return { ...next, revision: r.revision + 1 };
}

/**
 * Writes an approved import into the workspace through its contents API with the project's credential, and
 * records the hash written and the hash read back (item 7). A failure is recorded, never retried silently.
 */
async function placeImport(tc: TransferContext, r: TransferRequest): Promise<TransferRequest> {
  const now = tc.clock.now();
  let placement: NonNullable<TransferRequest['placement']>;
  try {
    const target = await tc.target(r.project);
    if (!target) throw new HicError('NOT_FOUND', 'The project is unknown.');
    const bytes = await tc.quarantine.read(r.sha256);
    const written = await writeWorkspaceFile(target, r.path, bytes);
    placement = { at: now, ...written };
  } catch (err) {
    placement = { at: now, writtenSha256: r.sha256, readBackSha256: null, error: String((err as Error)?.message ?? err).slice(0, 300) };
  }
  const ok = placement.readBackSha256 === r.sha256;
  const next: TransferRequest = { ...r, status: ok ? 'placed' : 'place-failed', placement };
  await tc.stores.transfers.replace(next, r.revision);
  await transferEvent(tc, ok ? 'import-placement' : 'import-placement-failed', r, {
    writtenSha256: placement.writtenSha256,
    readBackSha256: placement.readBackSha256,
    ...(placement.error ? { error: placement.error } : {}),
  });
  return { ...next, revision: r.revision + 1 };
}
