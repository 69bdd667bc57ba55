import { extname } from 'node:path';
import { HicError } from '../core/errors.js';
import type { TransferRequest } from '../stores/types.js';
import type { TransferContext } from './context.js';
import { transferEvent } from './events.js';
import { newTransferId } from './ids.js';
import type { ColumnKind } from './precheck/types.js';
import { releaseIfUnused } from './retention.js';
import { readWorkspaceFile } from './workspace-client.js';

export interface ExportInput {
  path: string;
  purpose: string;
  columns?: Record<string, ColumnKind>;
}

/**
 * An analyst's export request (持ち出し, DATA-3): the gateway copies the file out of the project's workspace with
 * the project's credential, server-side, into the quarantine; runs the disclosure pre-check; records the request
 * for a reviewer. The analyst never receives the bytes here.
 */
export async function requestExport(
  tc: TransferContext,
  who: { user: string; project: string },
  input: ExportInput,
): Promise<TransferRequest> {
  const target = await tc.target(who.project);
  if (!target) throw new HicError('FORBIDDEN', 'The session has no project workspace.');
  const file = await readWorkspaceFile(target, input.path, tc.settings.maxBytes);
  const stored = await tc.quarantine.put(file.bytes);
  // The parsers load on first use (the CLI shares this module graph and never needs them).
  const { precheckFile } = await import('./precheck/index.js');
  const precheck = await precheckFile(stored.path, file.name, {
    ...(input.columns ? { columns: input.columns } : {}),
    populations: tc.populations,
    maxUnpackedBytes: tc.settings.maxUnpackedBytes,
  });
  const now = tc.clock.now();
  const request: TransferRequest = {
    id: newTransferId('export'),
    direction: 'export',
    project: who.project,
    user: who.user,
    name: file.name,
    path: input.path.replace(/^\/+/, ''),
    purpose: input.purpose,
    size: stored.size,
    sha256: stored.sha256,
    status: 'pending',
    createdAt: now,
    precheck,
    ...(input.columns ? { columns: input.columns } : {}),
    maxDownloads: tc.settings.maxDownloads,
    validityMs: tc.settings.validityDays * 86_400_000,
    validUntil: null,
    downloads: 0,
    revision: 0,
  };
  const allowed =
    precheck.kind !== 'other' ||
    tc.settings.allowExtensions.map((e) => e.toLowerCase()).includes(extname(file.name).slice(1).toLowerCase());
  if (!allowed) {
    await transferEvent(tc, 'export-refused', request, { reason: 'file-kind', format: precheck.format, purpose: input.purpose });
    await releaseIfUnused(tc, stored.sha256);
    throw new HicError('FILE_KIND_REFUSED', precheck.problem);
  }
  if (!(await tc.stores.transfers.create(request))) throw new HicError('CONFLICT');
  await transferEvent(tc, 'export-request', request, { purpose: input.purpose });
  await transferEvent(tc, 'export-precheck', request, {
    kind: precheck.kind,
    format: precheck.format,
    findings: precheck.findings.length + precheck.findingsDropped,
    rules: [...new Set(precheck.findings.map((f) => f.rule))],
    ...(precheck.problem ? { problem: precheck.problem } : {}),
  });
  return request;
}

/**
 * The approved bytes for the requesting analyst (DATA-3 item 5): the store counts the download atomically within
 * the limits (approved, before validUntil, fewer than maxDownloads); the bytes are hash-checked before sending.
 * Anyone else gets NOT_FOUND, as if the request did not exist.
 */
export async function downloadExport(
  tc: TransferContext,
  id: string,
  who: { user: string; project: string },
): Promise<{ request: TransferRequest; bytes: Buffer; count: number }> {
  const r = await tc.stores.transfers.get(id);
  if (!r || r.direction !== 'export' || r.user !== who.user || r.project !== who.project) throw new HicError('NOT_FOUND');
  const refuse = async (reason: string): Promise<never> => {
    await transferEvent(tc, 'export-download-refused', r, { reason });
    throw new HicError('DOWNLOAD_REFUSED', `This export cannot be downloaded (${reason}).`);
  };
  const now = tc.clock.now();
  if (r.status !== 'approved') return refuse(r.status === 'pending' ? 'not-approved' : r.status);
  if (r.validUntil === null || now >= r.validUntil) return refuse('expired');
  if (r.downloads >= r.maxDownloads) return refuse('limit-reached');
  let bytes: Buffer;
  try {
    bytes = await tc.quarantine.read(r.sha256);
  } catch {
    return refuse('quarantine-copy-missing-or-changed');
  }
  const taken = await tc.stores.transfers.takeDownload(id, now);
  if (!taken.ok) return refuse(taken.reason);
  await transferEvent(tc, 'export-download', r, { count: taken.count, maxDownloads: r.maxDownloads });
  return { request: r, bytes, count: taken.count };
}
