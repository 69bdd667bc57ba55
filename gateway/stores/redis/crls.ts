import type { RedisClient } from './connect.js';
import type { CrlStore, StoredCrl } from '../types.js';

/** INCR, raised to the floor when below it: cRLNumbers only grow (RFC 5280 5.2.3), even after a store reset. */
const NEXT_NUMBER = `
local n = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[1])
if n < floor then redis.call('SET', KEYS[1], floor); n = floor end
return n`;

/** Replaces the stored CRL only with a newer one (larger cRLNumber): a slow writer cannot publish an older CRL. */
const PUT_IF_NEWER = `
local old = redis.call('GET', KEYS[1])
if old and cjson.decode(old).number >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1`;

/** The published CRL of the issuing CA, shared so that every instance serves the same list. */
export class RedisCrls implements CrlStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}
  async nextNumber(floor: number): Promise<number> {
    return Number(await this.redis.eval(NEXT_NUMBER, 1, `${this.prefix}crl-number`, String(Math.floor(floor))));
  }
  async get(): Promise<StoredCrl | null> {
    const raw = await this.redis.get(`${this.prefix}crl`);
    return raw ? (JSON.parse(raw) as StoredCrl) : null;
  }
  async put(crl: StoredCrl): Promise<boolean> {
    return (await this.redis.eval(PUT_IF_NEWER, 1, `${this.prefix}crl`, String(crl.number), JSON.stringify(crl))) === 1;
  }
}
