import type { RedisClient } from './connect.js';
import type { Terminal, TerminalStore } from '../types.js';

/**
 * One write to the register and its fingerprint index, atomic in Lua: the index always points at the current
 * certificate only, so a certificate replaced by a renewal no longer finds its terminal (AC-2), and `create` /
 * `replace` are decided inside Redis, never check-then-act.
 * KEYS: register hash, fingerprint index. ARGV: id, fingerprint, json, mode (put|create|replace), expected revision.
 */
const WRITE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[4] == 'create' and old then return 0 end
if ARGV[4] == 'replace' then
  if not old then return 0 end
  local rev = cjson.decode(old).revision or 0
  if rev ~= tonumber(ARGV[5]) then return 0 end
end
if old then
  local fp = cjson.decode(old).fingerprint
  if fp ~= ARGV[2] and redis.call('HGET', KEYS[2], fp) == ARGV[1] then redis.call('HDEL', KEYS[2], fp) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
return 1`;

/** The terminal register (利用端末管理簿, HIC GL 第5-1): one hash of entries plus a current-fingerprint index. */
export class RedisTerminals implements TerminalStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}
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
    const terminal = id ? await this.get(id) : null;
    // Belt and braces: an index entry written by an older version may still name a replaced certificate.
    return terminal && terminal.fingerprint === fingerprint ? terminal : null;
  }
  async put(terminal: Terminal): Promise<void> {
    await this.write(terminal, 'put', 0);
  }
  async create(terminal: Terminal): Promise<boolean> {
    return this.write(terminal, 'create', 0);
  }
  async replace(terminal: Terminal, expectedRevision: number): Promise<boolean> {
    return this.write({ ...terminal, revision: expectedRevision + 1 }, 'replace', expectedRevision);
  }
  async list(): Promise<Terminal[]> {
    return (await this.redis.hvals(this.key)).map((raw) => JSON.parse(raw) as Terminal);
  }
  private async write(terminal: Terminal, mode: 'put' | 'create' | 'replace', expected: number): Promise<boolean> {
    const done = await this.redis.eval(
      WRITE,
      2,
      this.key,
      this.byFingerprint,
      terminal.id,
      terminal.fingerprint,
      JSON.stringify(terminal),
      mode,
      String(expected),
    );
    return done === 1;
  }
}
