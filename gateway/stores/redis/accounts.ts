import type { RedisClient } from './connect.js';
import type { Account, AccountStore } from '../types.js';
import { RedisJsonHash } from './json-hash.js';

/** Accounts, one JSON record per user id (hashes and sealed secrets only; never a password). */
export class RedisAccounts extends RedisJsonHash<Account> implements AccountStore {
  constructor(redis: RedisClient, prefix: string) {
    super(redis, `${prefix}accounts`, (a) => a.username);
  }
}
