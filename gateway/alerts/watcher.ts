import type { AlertsConfig } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { Stores } from '../stores/types.js';
import type { Alert } from './alert.js';
import { BusinessHours } from './business-hours.js';
import { networkOf } from './network-key.js';
import { EphemeralKeys } from '../stores/ephemeral-keys.js';
import type { SecurityEvent } from '../audit/security-events.js';

/** What the watcher needs: the alert rules, the clock, the shared store (so rules hold across instances). */
export interface WatcherDeps {
  config: AlertsConfig;
  clock: Clock;
  stores: Pick<Stores, 'ephemeral' | 'sessions'>;
  raise: (alert: Alert) => void;
  onError?: (err: unknown) => void;
}

/** Sessions already alerted for use outside hours, per instance; cleared when this large (bounded memory). */
const MAX_TRACKED_SESSIONS = 10_000;
/** Access-record reasons of a refused download/upload (DATA-1); the request-path stage that refuses uses one. */
export const BLOCKED_TRANSFER_REASONS: ReadonlySet<string> = new Set(['download-blocked', 'upload-blocked', 'transfer-blocked']);

type Fields = Record<string, unknown>;

/**
 * LOG-4 rules, applied to the audit stream as it is written: the login code records what happened, this decides
 * what is abnormal. Counters and "seen" marks live in the shared store (atomic INCR / SET NX), so a burst spread
 * over instances is one burst and exactly one instance raises each alert. Store work runs after the event is
 * durable and is never awaited by a request; access records are checked in memory only (no store round trip).
 */
export class AlertWatcher {
  private readonly hours: BusinessHours;
  private readonly outsideAlerted = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  private readonly onError: (err: unknown) => void;

  constructor(private readonly deps: WatcherDeps) {
    this.hours = new BusinessHours(deps.config.businessHours);
    this.onError = deps.onError ?? ((err) => process.emitWarning(`hic: alert rules: ${String(err)}`));
  }

  /** Sees a security event after it was written. */
  onSecurity(event: SecurityEvent): void {
    const work = this.judge(event).catch((err: unknown) => this.onError(err));
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  /** Sees an access record as it is queued: in-memory checks only (this runs for every request). */
  onAccess(record: Fields): void {
    const reason = record['reason'];
    if (typeof reason === 'string' && BLOCKED_TRANSFER_REASONS.has(reason)) {
      this.raise({
        type: 'blocked-transfer',
        summary: `${String(record['method'])} ${String(record['path'])} refused (${reason})`,
        ...who(record),
        path: record['path'],
        reason,
      });
    }
    const session = record['session'];
    if (typeof session === 'string' && reason === 'allowed' && !this.hours.inside(this.deps.clock.now())) {
      this.outsideHours(record, 'request');
    }
  }

  /** Settles when every rule started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async judge(e: SecurityEvent): Promise<void> {
    switch (e.event) {
      case 'login-failed':
        return this.failedLogin(e);
      case 'account-locked':
        return this.raise({
          type: 'account-locked',
          summary: `account ${String(e['user'])} locked after ${String(e['failures'])} failures`,
          ...who(e),
          stage: e['stage'],
        });
      case 'login-success':
        return this.loginSuccess(e);
      case 'session-terminal-mismatch':
        return this.raise({
          type: 'session-cookie-replayed',
          summary: `session of ${String(e['user'])} presented by another terminal`,
          ...who(e),
        });
      case 'staff-action-refused':
        return this.raise({
          type: 'staff-action-refused',
          summary: `${String(e['by'])} tried ${String(e['action'])} without the role`,
          ...who(e),
          user: typeof e['by'] === 'string' ? e['by'] : null,
          action: e['action'],
        });
      default:
        // The other events raise nothing by themselves: alerts are written as events too, and must not loop.
        return;
    }
  }

  /**
   * Failed logins of one user name in fixed windows: exactly one attempt sees the count reach the limit (atomic
   * INCR). Bursts from one terminal or address (many user names) are the login service's: it slows the terminal
   * down and raises the same alert type itself (login/login-service.ts, login-throttle.ts), so not twice here.
   */
  private async failedLogin(e: Fields): Promise<void> {
    const user = e['user'];
    if (typeof user !== 'string' || user === '') return;
    const { count, windowSeconds } = this.deps.config.failedLoginBurst;
    const windowMs = windowSeconds * 1000;
    const bucket = Math.floor(this.deps.clock.now() / windowMs);
    const n = await this.deps.stores.ephemeral.increment(EphemeralKeys.alertBurst.key(user, bucket), windowMs);
    if (n === count) {
      this.raise({
        type: 'failed-login-burst',
        summary: `${count} failed logins for ${user} within ${windowSeconds} s`,
        ...who(e),
        scope: 'user',
        count,
        windowSeconds,
      });
    }
  }

  private async loginSuccess(e: Fields): Promise<void> {
    const user = String(e['user']);
    const { ephemeral, sessions } = this.deps.stores;
    const address = typeof e['address'] === 'string' ? e['address'] : '';
    const terminal = String(e['terminalId'] ?? e['terminal'] ?? '');
    // SET NX marks: true only the first time. A user's very first login sets the baseline and raises nothing.
    const firstEver = await ephemeral.claim(EphemeralKeys.alertSeen.key(user, 'any'), EphemeralKeys.alertSeen.ttlMs);
    const newNetwork =
      address !== '' &&
      (await ephemeral.claim(EphemeralKeys.alertSeen.key(user, `net:${networkOf(address)}`), EphemeralKeys.alertSeen.ttlMs));
    const newTerminal =
      terminal !== '' && (await ephemeral.claim(EphemeralKeys.alertSeen.key(user, `term:${terminal}`), EphemeralKeys.alertSeen.ttlMs));
    if (!firstEver && newNetwork)
      this.raise({
        type: 'new-network',
        summary: `${user} logged in from ${networkOf(address)} for the first time`,
        ...who(e),
        network: networkOf(address),
      });
    if (!firstEver && newTerminal)
      this.raise({ type: 'new-terminal', summary: `${user} logged in from terminal ${terminal} for the first time`, ...who(e) });
    const live = await sessions.listByUser(user);
    if (live.length > 1)
      this.raise({ type: 'concurrent-sessions', summary: `${user} has ${live.length} sessions at once`, ...who(e), sessions: live.length });
    if (!this.hours.inside(this.deps.clock.now())) this.outsideHours(e, 'login');
  }

  private outsideHours(e: Fields, at: 'login' | 'request'): void {
    const session = String(e['session'] ?? '');
    if (this.outsideAlerted.has(session)) return;
    if (this.outsideAlerted.size >= MAX_TRACKED_SESSIONS) this.outsideAlerted.clear();
    this.outsideAlerted.add(session);
    this.raise({ type: 'outside-hours', summary: `${String(e['user'])}: ${at} outside ${this.hours.describe()}`, ...who(e), at });
  }

  private raise(alert: Alert): void {
    this.deps.raise(alert);
  }
}

/** The identifying fields of an event, as the alert repeats them (the reviewer searches alerts by these). */
function who(e: Fields): Pick<Alert, 'user' | 'project' | 'address' | 'terminal' | 'session'> & { terminalId?: unknown } {
  const pick = (k: string): string | null => (typeof e[k] === 'string' ? (e[k] as string) : null);
  return {
    user: pick('user'),
    project: pick('project'),
    address: pick('address'),
    terminal: pick('terminal'),
    terminalId: e['terminalId'],
    session: pick('session'),
  };
}
