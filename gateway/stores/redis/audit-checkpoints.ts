import type { RedisClient } from './connect.js';
import type { AuditCheckpointStore } from '../types.js';

/**
 * Audit checkpoints in Redis (LOG-3): one capped list per instance (`<prefix>audit:cp:<instance>`, RPUSH + LTRIM
 * in one MULTI) and a set naming the instances, so a verifier can find an instance whose directory is gone.
 */
export class RedisAuditCheckpoints implements AuditCheckpointStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  async publish(instance: string, jws: string, keep: number): Promise<void> {
    const key = `${this.prefix}audit:cp:${instance}`;
    await this.redis.multi().rpush(key, jws).ltrim(key, -Math.max(1, keep), -1).sadd(`${this.prefix}audit:cp-instances`, instance).exec();
  }

  async all(): Promise<Map<string, string[]>> {
    const instances = (await this.redis.smembers(`${this.prefix}audit:cp-instances`)).sort();
    const out = new Map<string, string[]>();
    for (const instance of instances) out.set(instance, await this.redis.lrange(`${this.prefix}audit:cp:${instance}`, 0, -1));
    return out;
  }
}
