import type { TransferRequest } from '../stores/types.js';
import type { Finding, PrecheckResult } from './precheck/index.js';

/** The pre-check stored with a request (absent for imports). */
export function precheckOf(r: TransferRequest): PrecheckResult | null {
  return (r.precheck as PrecheckResult | undefined) ?? null;
}

/**
 * A request as the API shows it (the contract: `{id, status, sha256, findings, …}`): findings at the top level,
 * the pre-check's summary beside them; nothing about the quarantine's location.
 */
export function publicTransfer(r: TransferRequest) {
  const pre = precheckOf(r);
  const findings: Finding[] = pre?.findings ?? [];
  return {
    id: r.id,
    direction: r.direction,
    status: r.status,
    project: r.project,
    user: r.user,
    name: r.name,
    path: r.path,
    purpose: r.purpose,
    size: r.size,
    sha256: r.sha256,
    createdAt: new Date(r.createdAt).toISOString(),
    findings,
    ...(pre
      ? {
          precheck: {
            kind: pre.kind,
            format: pre.format,
            ...(pre.encoding ? { encoding: pre.encoding } : {}),
            sheets: pre.sheets,
            findingsDropped: pre.findingsDropped,
            ...(pre.problem ? { problem: pre.problem } : {}),
          },
        }
      : {}),
    ...(r.scan ? { scan: r.scan } : {}),
    ...(r.decision ? { decision: { ...r.decision, at: new Date(r.decision.at).toISOString() } } : {}),
    ...(r.direction === 'export'
      ? {
          downloads: r.downloads,
          maxDownloads: r.maxDownloads,
          validUntil: r.validUntil === null ? null : new Date(r.validUntil).toISOString(),
        }
      : {}),
    ...(r.placement ? { placement: { ...r.placement, at: new Date(r.placement.at).toISOString() } } : {}),
    ...(r.quarantineDeletedAt ? { quarantineDeletedAt: new Date(r.quarantineDeletedAt).toISOString() } : {}),
  };
}

/** Who may see a request (DATA-2/3, item 9): reviewers all; an analyst their own, in their session's project. */
export function canSee(r: TransferRequest, viewer: { user: string; project: string; roles: readonly string[] }): boolean {
  if (viewer.roles.includes('reviewer')) return true;
  return viewer.roles.includes('analyst') && r.user === viewer.user && r.project === viewer.project;
}
