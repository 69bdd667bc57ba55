import type { AuditPort } from '../core/audit-port.js';
import type { Clock } from '../core/clock.js';
import type { SessionRecord, Stores } from '../stores/types.js';
import type { SecurityEventOf } from '../audit/security-events.js';

/**
 * Ending sessions, the operations side (logout, suspension SES-3, revocation, project end): deleted from the store,
 * announced to every instance (which drop their cached copy and close the session's sockets), recorded as a
 * `session-end` event. Needs no cache and no settings, so the CLI uses it as it is; the gateway's SessionManager
 * adds its own local eviction through `onEnded`.
 */
export class SessionEnder {
  constructor(
    private readonly stores: Pick<Stores, 'sessions' | 'events'>,
    private readonly clock: Clock,
    private readonly audit: AuditPort,
    /** Local work before the news goes out (the gateway evicts its cache and cuts its sockets at once). */
    private readonly onEnded: (id: string) => void = () => {},
  ) {}

  /** Ends one session everywhere: store, caches of every instance, its open WebSockets. */
  async end(id: string, reason: string, by?: string): Promise<SessionRecord | null> {
    const record = await this.stores.sessions.delete(id);
    this.onEnded(id);
    await this.stores.events.publish({ type: 'session-ended', session: id, reason });
    if (record) await this.audit.security(sessionEndEvent(record, reason, this.clock.now(), by));
    return record;
  }

  /** Ends every session of a user on every instance (SES-3 suspension). */
  async endAllForUser(user: string, reason: string, by?: string): Promise<number> {
    const ids = await this.stores.sessions.listByUser(user);
    for (const id of ids) await this.end(id, reason, by);
    await this.stores.events.publish({ type: 'user-suspended', user, reason });
    return ids.length;
  }

  /**
   * Ends every session made with one terminal certificate, on every instance (revocation or renewal: HIC GL
   * 第5-4-ii-②). The caller publishes 'terminal-revoked' first, so open connections are already being cut.
   */
  async endAllForTerminal(fingerprint: string, reason: string, by?: string): Promise<number> {
    const ids = await this.stores.sessions.listByTerminal(fingerprint);
    for (const id of ids) await this.end(id, reason, by);
    return ids.length;
  }
}

/** The `session-end` security event (LOG-1: login time, how long the session lasted, why it ended). */
export function sessionEndEvent(record: SessionRecord, reason: string, now: number, by?: string): SecurityEventOf<'session-end'> {
  return {
    event: 'session-end',
    reason,
    by,
    user: record.user,
    session: record.id,
    project: record.project,
    terminal: record.terminal,
    terminalId: record.terminalId,
    address: record.address,
    loginAt: new Date(record.createdAt).toISOString(),
    durationMs: now - record.createdAt,
  };
}
