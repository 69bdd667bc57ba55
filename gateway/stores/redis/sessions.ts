import type { RedisClient } from './connect.js';
import type { SessionRecord, SessionStore } from '../types.js';

/**
 * Sessions as JSON strings with a PX expiry equal to the idle timeout (capped by the absolute lifetime), plus a
 * per-user set so that suspension can find every session of a user on any instance, and a per-terminal set so that
 * revoking a certificate finds the sessions made with it. Both sets are pruned of expired ids when listed.
 */
export class RedisSessions implements SessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}
  private key(id: string): string {
    return `${this.prefix}session:${id}`;
  }
  private userKey(user: string): string {
    return `${this.prefix}user-sessions:${user}`;
  }
  private terminalKey(fingerprint: string): string {
    return `${this.prefix}terminal-sessions:${fingerprint}`;
  }
  async create(session: SessionRecord, ttlMs: number): Promise<void> {
    await this.redis
      .multi()
      .set(this.key(session.id), JSON.stringify(session), 'PX', Math.max(1, Math.ceil(ttlMs)))
      .sadd(this.userKey(session.user), session.id)
      .sadd(this.terminalKey(session.terminal), session.id)
      .exec();
  }
  async get(id: string): Promise<SessionRecord | null> {
    const raw = await this.redis.get(this.key(id));
    return raw ? (JSON.parse(raw) as SessionRecord) : null;
  }
  async touch(id: string, lastActiveAt: number, ttlMs: number): Promise<void> {
    // Lua keeps read-modify-write atomic: a concurrent delete must not be undone by a touch.
    await this.redis.eval(
      `local v = redis.call('GET', KEYS[1])
       if not v then return 0 end
       local s = cjson.decode(v)
       if tonumber(ARGV[1]) > s.lastActiveAt then s.lastActiveAt = tonumber(ARGV[1]) end
       redis.call('SET', KEYS[1], cjson.encode(s), 'PX', ARGV[2])
       return 1`,
      1,
      this.key(id),
      String(lastActiveAt),
      String(Math.max(1, Math.ceil(ttlMs))),
    );
  }
  async delete(id: string): Promise<SessionRecord | null> {
    const raw = (await this.redis.getdel(this.key(id))) as string | null;
    if (!raw) return null;
    const session = JSON.parse(raw) as SessionRecord;
    await this.redis.multi().srem(this.userKey(session.user), id).srem(this.terminalKey(session.terminal), id).exec();
    return session;
  }
  async listByUser(user: string): Promise<string[]> {
    return this.liveMembers(this.userKey(user));
  }
  async listByTerminal(fingerprint: string): Promise<string[]> {
    return this.liveMembers(this.terminalKey(fingerprint));
  }
  private async liveMembers(setKey: string): Promise<string[]> {
    const ids = await this.redis.smembers(setKey);
    if (ids.length === 0) return [];
    const alive = await this.redis.mget(ids.map((id) => this.key(id)));
    const stale = ids.filter((_, i) => alive[i] === null);
    if (stale.length > 0) await this.redis.srem(setKey, ...stale);
    return ids.filter((_, i) => alive[i] !== null);
  }
}
