import type { RedisClient } from './connect.js';
import type { EphemeralStore } from '../types.js';

export class RedisEphemeral implements EphemeralStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}
  private key(key: string): string {
    return `${this.prefix}tmp:${key}`;
  }
  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.key(key), '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }
  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }
  async get(key: string): Promise<string | null> {
    return this.redis.get(this.key(key));
  }
  async take(key: string): Promise<string | null> {
    return (await this.redis.getdel(this.key(key))) as string | null;
  }
  async increment(key: string, ttlMs: number, by = 1): Promise<number> {
    // INCRBY and the first PEXPIRE in one script, so a crash between them cannot leave an immortal counter.
    const n = await this.redis.eval(
      `local n = redis.call('INCRBY', KEYS[1], ARGV[2]) if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n`,
      1,
      this.key(key),
      String(Math.max(1, Math.ceil(ttlMs))),
      String(Math.trunc(by)),
    );
    return Number(n);
  }
  async delete(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }
}
