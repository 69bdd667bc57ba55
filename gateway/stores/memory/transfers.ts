import type { DownloadRefusal, TransferRequest, TransferStore } from '../types.js';

/** Transfer requests in one process (the embedded demo); same semantics as the Redis store. */
export class MemoryTransfers implements TransferStore {
  private readonly requests = new Map<string, TransferRequest>();

  async create(request: TransferRequest): Promise<boolean> {
    if (this.requests.has(request.id)) return false;
    this.requests.set(request.id, structuredClone({ ...request, downloads: 0 }));
    return true;
  }

  async get(id: string): Promise<TransferRequest | null> {
    const r = this.requests.get(id);
    return r ? structuredClone(r) : null;
  }

  async list(): Promise<TransferRequest[]> {
    return [...this.requests.values()].map((r) => structuredClone(r)).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async replace(request: TransferRequest, expectedRevision: number): Promise<boolean> {
    const current = this.requests.get(request.id);
    if (!current || current.revision !== expectedRevision) return false;
    // The download count belongs to the store (takeDownload), never to a writer's stale copy.
    this.requests.set(request.id, structuredClone({ ...request, downloads: current.downloads, revision: expectedRevision + 1 }));
    return true;
  }

  async takeDownload(id: string, now: number): Promise<{ ok: true; count: number } | { ok: false; reason: DownloadRefusal }> {
    const r = this.requests.get(id);
    if (!r) return { ok: false, reason: 'not-found' };
    if (r.status !== 'approved') return { ok: false, reason: 'not-approved' };
    if (r.validUntil === null || now >= r.validUntil) return { ok: false, reason: 'expired' };
    if (r.downloads >= r.maxDownloads) return { ok: false, reason: 'limit-reached' };
    r.downloads += 1;
    return { ok: true, count: r.downloads };
  }
}
