import type { RedisClient } from './connect.js';

/**
 * Records kept as JSON in one Redis hash, keyed by a field of the record: the shape shared by the account and
 * project stores (small sets, read on login and administration, never on the per-request path).
 */
export class RedisJsonHash<T> {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly idOf: (record: T) => string,
  ) {}
  async get(id: string): Promise<T | null> {
    const raw = await this.redis.hget(this.key, id);
    return raw ? (JSON.parse(raw) as T) : null;
  }
  async put(record: T): Promise<void> {
    await this.redis.hset(this.key, this.idOf(record), JSON.stringify(record));
  }
  /** Creates only when absent (HSETNX: atomic across instances). */
  async create(record: T): Promise<boolean> {
    return (await this.redis.hsetnx(this.key, this.idOf(record), JSON.stringify(record))) === 1;
  }
  async list(): Promise<T[]> {
    return (await this.redis.hvals(this.key)).map((raw) => JSON.parse(raw) as T);
  }
}
