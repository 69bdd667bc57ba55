import type { TransferRequest } from '../stores/types.js';
import type { TransferContext } from './context.js';
import { transferEvent } from './events.js';

const DAY = 86_400_000;

/** When a request's quarantine copy may go: retentionDays after its decision (or after an infected verdict). */
function releasableAt(r: TransferRequest, retentionDays: number): number | null {
  const decided = r.decision?.at ?? (r.status === 'infected' ? r.scan?.at : undefined);
  return decided === undefined ? null : decided + retentionDays * DAY;
}

/**
 * Deletes a quarantine file that no request still needs (content-addressed: one file may serve two requests).
 */
export async function releaseIfUnused(tc: TransferContext, sha256: string, except?: string): Promise<boolean> {
  const now = tc.clock.now();
  const needed = (await tc.stores.transfers.list()).some(
    (r) =>
      r.sha256 === sha256 && r.id !== except && !r.quarantineDeletedAt && (releasableAt(r, tc.settings.retentionDays) ?? Infinity) > now,
  );
  if (needed) return false;
  await tc.quarantine.delete(sha256);
  return true;
}

/**
 * Quarantine cleanup (item 8): copies are deleted `retentionDays` after the decision; each deletion is audited
 * with the hash, which stays in the request record and the audit log. Pending requests are never touched.
 */
export async function purgeQuarantine(tc: TransferContext): Promise<string[]> {
  const now = tc.clock.now();
  const purged: string[] = [];
  for (const r of await tc.stores.transfers.list()) {
    const at = releasableAt(r, tc.settings.retentionDays);
    if (r.quarantineDeletedAt || at === null || at > now) continue;
    const next = { ...r, quarantineDeletedAt: now };
    if (!(await tc.stores.transfers.replace(next, r.revision))) continue;
    await releaseIfUnused(tc, r.sha256, r.id);
    await transferEvent(tc, 'quarantine-delete', r, { retentionDays: tc.settings.retentionDays });
    purged.push(r.id);
  }
  return purged;
}
