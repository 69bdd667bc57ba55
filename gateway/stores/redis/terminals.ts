import type { Redis } from 'ioredis';
import type { Terminal, TerminalStore } from '../types.js';

/** The terminal register (利用端末管理簿): one hash of entries plus a fingerprint index. */
export class RedisTerminals implements TerminalStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}
  private get key(): string {
    return `${this.prefix}terminals`;
  }
  private get byFingerprint(): string {
    return `${this.prefix}terminal-fingerprints`;
  }
  async get(id: string): Promise<Terminal | null> {
    const raw = await this.redis.hget(this.key, id);
    return raw ? (JSON.parse(raw) as Terminal) : null;
  }
  async getByFingerprint(fingerprint: string): Promise<Terminal | null> {
    const id = await this.redis.hget(this.byFingerprint, fingerprint);
    return id ? this.get(id) : null;
  }
  async put(terminal: Terminal): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key, terminal.id, JSON.stringify(terminal))
      .hset(this.byFingerprint, terminal.fingerprint, terminal.id)
      .exec();
  }
  async list(): Promise<Terminal[]> {
    return (await this.redis.hvals(this.key)).map((raw) => JSON.parse(raw) as Terminal);
  }
}
