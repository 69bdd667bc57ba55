import type { Redis } from 'ioredis';
import type { Account, AccountStore } from '../types.js';

export class RedisAccounts implements AccountStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}
  private get key(): string {
    return `${this.prefix}accounts`;
  }
  async get(username: string): Promise<Account | null> {
    const raw = await this.redis.hget(this.key, username);
    return raw ? (JSON.parse(raw) as Account) : null;
  }
  async put(account: Account): Promise<void> {
    await this.redis.hset(this.key, account.username, JSON.stringify(account));
  }
  async create(account: Account): Promise<boolean> {
    return (await this.redis.hsetnx(this.key, account.username, JSON.stringify(account))) === 1;
  }
  async list(): Promise<Account[]> {
    const all = await this.redis.hvals(this.key);
    return all.map((raw) => JSON.parse(raw) as Account);
  }
}
