import { HicError } from '../core/errors.js';
import type { TransferRequest } from '../stores/types.js';
import type { TransferContext } from './context.js';
import { transferEvent } from './events.js';
import { newTransferId } from './ids.js';
import { ScannerUnavailable } from './scanner.js';
import { contentsUrl } from './workspace-client.js';

export interface ImportInput {
  name: string;
  bytes: Buffer;
  purpose: string;
  /** Workspace path to place the file at. */
  target: string;
}

/**
 * An analyst's import request (持ち込み, DATA-2): the file goes into the quarantine and is scanned by clamd.
 * Clean → pending review; infected → kept as evidence, never placed; scanner down or unconfigured → scan-pending
 * (it waits, retried by `rescanPending`, and never passes unscanned).
 */
export async function requestImport(
  tc: TransferContext,
  who: { user: string; project: string },
  input: ImportInput,
): Promise<TransferRequest> {
  if (input.bytes.length > tc.settings.maxBytes) throw new HicError('FILE_TOO_LARGE');
  const target = input.target.replace(/^\/+/, '');
  if (!contentsUrl('http://x', target) || target === '')
    throw new HicError('BAD_REQUEST', 'The target path is not a path inside the workspace.');
  const stored = await tc.quarantine.put(input.bytes);
  const r: TransferRequest = {
    id: newTransferId('import'),
    direction: 'import',
    project: who.project,
    user: who.user,
    name: input.name.split(/[\\/]/).pop() || 'file',
    path: target,
    purpose: input.purpose,
    size: stored.size,
    sha256: stored.sha256,
    status: 'scan-pending',
    createdAt: tc.clock.now(),
    scan: { status: 'pending' },
    maxDownloads: 0,
    validityMs: 0,
    validUntil: null,
    downloads: 0,
    revision: 0,
  };
  if (!(await tc.stores.transfers.create(r))) throw new HicError('CONFLICT');
  await transferEvent(tc, 'import-request', r, { purpose: input.purpose, target });
  return scanImport(tc, r, input.bytes);
}

/** Scans one waiting import and records the verdict (a security event either way). */
async function scanImport(tc: TransferContext, r: TransferRequest, bytes: Buffer): Promise<TransferRequest> {
  if (!tc.scanner) {
    await transferEvent(tc, 'import-scan', r, { scan: 'pending', reason: 'no scanner configured' });
    return r;
  }
  let next: TransferRequest;
  try {
    const verdict = await tc.scanner.scan(bytes);
    const at = tc.clock.now();
    next =
      verdict.status === 'clean'
        ? { ...r, status: 'pending', scan: { status: 'clean', at, engine: verdict.engine } }
        : { ...r, status: 'infected', scan: { status: 'infected', signature: verdict.signature, at, engine: verdict.engine } };
  } catch (err) {
    if (!(err instanceof ScannerUnavailable)) throw err;
    await transferEvent(tc, 'import-scan', r, { scan: 'pending', reason: err.message });
    return { ...r, scan: { status: 'pending', error: err.message } };
  }
  if (!(await tc.stores.transfers.replace(next, r.revision))) return (await tc.stores.transfers.get(r.id)) ?? r;
  await transferEvent(tc, 'import-scan', next, {
    scan: next.scan!.status,
    ...(next.scan!.signature ? { signature: next.scan!.signature } : {}),
  });
  return { ...next, revision: r.revision + 1 };
}

/** Retries the scan of every import still waiting (after the scanner comes back). Returns the ids scanned. */
export async function rescanPending(tc: TransferContext): Promise<string[]> {
  const done: string[] = [];
  for (const r of await tc.stores.transfers.list()) {
    if (r.direction !== 'import' || r.status !== 'scan-pending') continue;
    let bytes: Buffer;
    try {
      bytes = await tc.quarantine.read(r.sha256);
    } catch {
      continue;
    }
    const after = await scanImport(tc, r, bytes);
    if (after.status !== 'scan-pending') done.push(r.id);
  }
  return done;
}
