import type { RedisClient } from './connect.js';
import type { DownloadRefusal, TransferRequest, TransferStore } from '../types.js';

/**
 * Transfer requests as JSON in one hash; the download counts in a second hash, so that counting never rewrites
 * the record (Lua's cjson would turn empty arrays into objects). Scripts only read the JSON.
 */
const REPLACE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
if cjson.decode(raw).revision ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`;

const TAKE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return -1 end
local r = cjson.decode(raw)
if r.status ~= 'approved' then return -2 end
if type(r.validUntil) ~= 'number' or tonumber(ARGV[2]) >= r.validUntil then return -3 end
local n = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if n >= r.maxDownloads then return -4 end
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)`;

const REFUSALS: Record<number, DownloadRefusal> = { [-1]: 'not-found', [-2]: 'not-approved', [-3]: 'expired', [-4]: 'limit-reached' };

export class RedisTransfers implements TransferStore {
  private readonly key: string;
  private readonly counts: string;
  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    this.key = `${prefix}transfers`;
    this.counts = `${prefix}transfer-downloads`;
  }

  private async withCount(raw: string | null, id: string): Promise<TransferRequest | null> {
    if (!raw) return null;
    const r = JSON.parse(raw) as TransferRequest;
    r.downloads = Number((await this.redis.hget(this.counts, id)) ?? 0);
    return r;
  }

  async create(request: TransferRequest): Promise<boolean> {
    return (await this.redis.hsetnx(this.key, request.id, JSON.stringify({ ...request, downloads: 0 }))) === 1;
  }

  async get(id: string): Promise<TransferRequest | null> {
    return this.withCount(await this.redis.hget(this.key, id), id);
  }

  async list(): Promise<TransferRequest[]> {
    const [all, counts] = await Promise.all([this.redis.hvals(this.key), this.redis.hgetall(this.counts)]);
    return all
      .map((raw) => JSON.parse(raw) as TransferRequest)
      .map((r) => ({ ...r, downloads: Number(counts[r.id] ?? 0) }))
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async replace(request: TransferRequest, expectedRevision: number): Promise<boolean> {
    const next = JSON.stringify({ ...request, downloads: 0, revision: expectedRevision + 1 });
    return (await this.redis.eval(REPLACE, 1, this.key, request.id, String(expectedRevision), next)) === 1;
  }

  async takeDownload(id: string, now: number): Promise<{ ok: true; count: number } | { ok: false; reason: DownloadRefusal }> {
    const n = Number(await this.redis.eval(TAKE, 2, this.key, this.counts, id, String(now)));
    return n > 0 ? { ok: true, count: n } : { ok: false, reason: REFUSALS[n] ?? 'not-found' };
  }
}
