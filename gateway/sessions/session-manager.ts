import type { GatewayConfig } from '../config/types.js';
import type { AuditPort } from '../core/audit-port.js';
import type { Clock } from '../core/clock.js';
import type { Pending } from '../core/pending.js';
import type { GatewayEvent, SessionRecord, Stores } from '../stores/types.js';
import type { Socket } from 'node:net';
import { SocketGroups } from './connection-registry.js';
import { SessionEnder, sessionEndEvent } from './session-ender.js';
import { isWellFormedToken, newSessionToken, sessionIdOf } from './tokens.js';

interface CacheEntry {
  record: SessionRecord;
  fetchedAt: number;
}

/** How often open WebSockets' sessions are checked for expiry (they close within this of it). */
const SOCKET_CHECK_MS = 1000;

export type ActivityVerdict = 'active' | 'session-idle-expired' | 'session-lifetime-expired';

export type NewSession = Pick<SessionRecord, 'user' | 'project' | 'roles' | 'terminal' | 'terminalId' | 'address' | 'restriction'>;

/**
 * Sessions with an in-process cache. Steady state needs no Redis round trip: a cached copy is trusted for
 * `cacheSeconds` at most, and pub/sub news (logout, suspension, revocation) evicts it at once on every instance.
 * Worst-case staleness when a pub/sub message is lost: `cacheSeconds` (and the cache is dropped whenever the
 * subscriber reconnects). The idle clock is written at most every `touchIntervalSeconds`.
 */
export class SessionManager {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly tokenById = new Map<string, string>();
  /** Open WebSockets by session id and by user, closed when the session ends. */
  readonly socketsBySession = new SocketGroups();
  readonly socketsByUser = new SocketGroups();
  private readonly idleMs: number;
  private readonly lifetimeMs: number;
  private readonly touchMs: number;
  private readonly cacheMs: number;
  private readonly sweeper: NodeJS.Timeout;
  /** Sessions with open WebSockets on this instance, checked every second for idle and lifetime expiry. */
  private readonly socketSessions = new Map<string, SessionRecord>();
  private readonly socketSweeper: NodeJS.Timeout;
  private sweepingSockets = false;
  private readonly ender: SessionEnder;

  constructor(
    private readonly stores: Stores,
    private readonly clock: Clock,
    private readonly audit: AuditPort,
    settings: GatewayConfig['session'],
  ) {
    this.idleMs = settings.idleTimeoutSeconds * 1000;
    this.lifetimeMs = settings.absoluteLifetimeSeconds * 1000;
    this.touchMs = settings.touchIntervalSeconds * 1000;
    this.cacheMs = settings.cacheSeconds * 1000;
    this.ender = new SessionEnder(stores, clock, audit, (id) => {
      this.forget(id);
      this.socketsBySession.destroy(id);
    });
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
    // An open WebSocket makes no requests, so nothing else would notice its session expire (SES-1).
    this.socketSweeper = setInterval(() => void this.closeExpiredSockets(), SOCKET_CHECK_MS);
    this.socketSweeper.unref();
  }

  /**
   * Registers a spliced WebSocket under its session: closed when the session ends (logout, suspension,
   * revocation, idle expiry, absolute lifetime) on any instance.
   */
  trackSocket(record: SessionRecord, socket: Socket): void {
    if (!this.socketSessions.has(record.id)) this.socketSessions.set(record.id, record);
    this.socketsBySession.add(record.id, socket);
  }

  /**
   * A message the client sent on an open WebSocket: operation (SES-1), so it moves the idle clock — at most one
   * store write per `touchIntervalSeconds`, however many messages.
   */
  socketActivity(id: string): void {
    const record = this.socketSessions.get(id);
    if (record !== undefined) this.touchIfDue(record, true, this.clock.now());
  }

  /**
   * Ends sessions whose sockets are open here once they pass the idle limit or their lifetime; the session-ended
   * news closes their sockets on every instance. The idle clock is re-read from the store first: another instance
   * may have seen activity. When the store cannot say, the sockets are closed (fail closed) and the session left.
   */
  private async closeExpiredSockets(): Promise<void> {
    if (this.sweepingSockets) return;
    this.sweepingSockets = true;
    try {
      for (const [id, record] of this.socketSessions) {
        if (this.socketsBySession.count(id) === 0) {
          this.socketSessions.delete(id);
          continue;
        }
        const now = this.clock.now();
        if (now >= record.expiresAt) {
          await this.end(id, 'lifetime-expired').catch(() => this.socketsBySession.destroy(id));
          continue;
        }
        if (now - record.lastActiveAt < this.idleMs) continue;
        let fresh: SessionRecord | null;
        try {
          fresh = await this.stores.sessions.get(id);
        } catch {
          this.socketsBySession.destroy(id);
          continue;
        }
        if (fresh !== null && now - fresh.lastActiveAt < this.idleMs) record.lastActiveAt = fresh.lastActiveAt;
        else if (fresh === null) this.vanished(record, now);
        else await this.end(id, 'idle-timeout').catch(() => this.socketsBySession.destroy(id));
      }
    } finally {
      this.sweepingSockets = false;
    }
  }

  /**
   * Finds the session for a cookie value: the record, null when there is none, or 'unavailable' (fail closed).
   * A fresh cached copy is returned synchronously (no promise on the hot path, see core/pending.ts).
   */
  resolve(token: string): Pending<SessionRecord | null | 'unavailable'> {
    if (!isWellFormedToken(token)) return null;
    if (!this.stores.healthy()) return 'unavailable';
    const now = this.clock.now();
    const cached = this.cache.get(token);
    if (cached && now - cached.fetchedAt < this.cacheMs) return cached.record;
    return this.fetch(token, cached, now);
  }

  private async fetch(token: string, cached: CacheEntry | undefined, now: number): Promise<SessionRecord | null | 'unavailable'> {
    const id = sessionIdOf(token);
    let record: SessionRecord | null;
    try {
      record = await this.stores.sessions.get(id);
    } catch {
      return 'unavailable';
    }
    if (!record) {
      if (cached) this.vanished(cached.record, now);
      this.forget(id);
      return null;
    }
    // Touches this instance has not written yet still count.
    if (cached && cached.record.lastActiveAt > record.lastActiveAt) record.lastActiveAt = cached.record.lastActiveAt;
    this.cache.set(token, { record, fetchedAt: now });
    this.tokenById.set(id, token);
    return record;
  }

  /**
   * Applies the idle timeout (SES-1) and the absolute lifetime, and moves the idle clock when the request is
   * an operation (polling routes are not). Synchronous unless the store must be asked (expiry, idle re-check).
   */
  checkActivity(token: string, record: SessionRecord, isOperation: boolean): Pending<ActivityVerdict> {
    const now = this.clock.now();
    if (now >= record.expiresAt) return this.expire(record.id, 'lifetime-expired', 'session-lifetime-expired');
    if (now - record.lastActiveAt >= this.idleMs) return this.recheckIdle(token, record, isOperation, now);
    this.touchIfDue(record, isOperation, now);
    return 'active';
  }

  private async expire(id: string, reason: string, verdict: ActivityVerdict): Promise<ActivityVerdict> {
    await this.end(id, reason);
    return verdict;
  }

  private async recheckIdle(token: string, record: SessionRecord, isOperation: boolean, now: number): Promise<ActivityVerdict> {
    // Our copy may be stale: another instance may have seen the user's activity.
    const fresh = await this.stores.sessions.get(record.id).catch(() => null);
    if (!fresh || now - fresh.lastActiveAt >= this.idleMs) return this.expire(record.id, 'idle-timeout', 'session-idle-expired');
    record.lastActiveAt = fresh.lastActiveAt;
    this.cache.set(token, { record, fetchedAt: now });
    this.touchIfDue(record, isOperation, now);
    return 'active';
  }

  private touchIfDue(record: SessionRecord, isOperation: boolean, now: number): void {
    if (isOperation && now - record.lastActiveAt >= this.touchMs) {
      record.lastActiveAt = now;
      this.stores.sessions.touch(record.id, now, this.ttl(record, now)).catch(() => {
        // Not fatal: the next touch retries; the idle rule re-reads the store before expiring anyone.
      });
    }
  }

  /**
   * The store no longer has a session this instance knew: its key expired (the store's TTL is the idle limit) or
   * another instance ended it (and recorded that). Its sockets here close at once; when our copy shows it idle or
   * past its lifetime, the expiry is recorded and announced, since nobody else saw it happen.
   */
  private vanished(record: SessionRecord, now: number): void {
    this.socketsBySession.destroy(record.id);
    const reason = now >= record.expiresAt ? 'lifetime-expired' : now - record.lastActiveAt >= this.idleMs ? 'idle-timeout' : null;
    if (reason === null) return;
    void this.stores.events.publish({ type: 'session-ended', session: record.id, reason }).catch(() => undefined);
    this.audit.securityLater(sessionEndEvent(record, reason, now));
  }

  /** Creates a session with a fresh token (never reusing one from before login: no session fixation). */
  async create(input: NewSession): Promise<{ token: string; record: SessionRecord }> {
    const token = newSessionToken();
    const now = this.clock.now();
    const record: SessionRecord = {
      id: sessionIdOf(token),
      ...input,
      createdAt: now,
      lastActiveAt: now,
      expiresAt: now + this.lifetimeMs,
    };
    await this.stores.sessions.create(record, this.ttl(record, now));
    return { token, record };
  }

  /** Ends one session everywhere (gateway/sessions/session-ender.ts), evicting it here at once. */
  end(id: string, reason: string, by?: string): Promise<SessionRecord | null> {
    return this.ender.end(id, reason, by);
  }

  /** Ends every session of a user on every instance (SES-3 suspension). */
  endAllForUser(user: string, reason: string, by?: string): Promise<number> {
    return this.ender.endAllForUser(user, reason, by);
  }

  /** Ends every session made with one terminal certificate, on every instance. */
  endAllForTerminal(fingerprint: string, reason: string, by?: string): Promise<number> {
    return this.ender.endAllForTerminal(fingerprint, reason, by);
  }

  /** Reacts to news from any instance. */
  onEvent(event: GatewayEvent): void {
    switch (event.type) {
      case 'session-ended':
        this.forget(event.session);
        this.socketsBySession.destroy(event.session);
        break;
      case 'user-suspended':
        for (const entry of this.cache.values()) if (entry.record.user === event.user) this.forget(entry.record.id);
        this.socketsByUser.destroy(event.user);
        break;
      case 'terminal-revoked':
        for (const entry of this.cache.values()) if (entry.record.terminal === event.fingerprint) this.forget(entry.record.id);
        break;
      case 'resync':
        // Both maps: clearing only the cache left every token in the index for good (issue 14, memory).
        this.cache.clear();
        this.tokenById.clear();
        break;
      case 'project-changed':
        // Sessions keep their project; the project table is the runtime's to reload (runtime.ts).
        break;
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    clearInterval(this.socketSweeper);
  }

  /** Sessions held in the in-process cache (metrics: `hic_sessions_live`). */
  get cachedCount(): number {
    return this.cache.size;
  }

  /** Entries of the id → token index; never more than the cache holds (tests for issue 14's leak). */
  get indexedCount(): number {
    return this.tokenById.size;
  }

  private ttl(record: SessionRecord, now: number): number {
    return Math.max(1, Math.min(this.idleMs, record.expiresAt - now));
  }

  /** Drops a session from the cache and from the id → token index together (an index entry alone would leak). */
  private forget(id: string): void {
    const token = this.tokenById.get(id);
    if (token !== undefined) {
      this.cache.delete(token);
      this.tokenById.delete(id);
    }
    this.socketSessions.delete(id);
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [token, entry] of this.cache) {
      if (now - entry.fetchedAt >= this.cacheMs) {
        this.cache.delete(token);
        this.tokenById.delete(entry.record.id);
      }
    }
  }
}
