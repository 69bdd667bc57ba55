import type { Clock } from '../core/clock.js';
import type { EphemeralStore } from '../stores/types.js';
import { EphemeralKeys } from '../stores/ephemeral-keys.js';

/**
 * Slows down whoever fails logins, not the site they sit in (issue 11 item 5, AUTH-4 abuse).
 *
 * Counting failures per address alone let one person (or one broken script) lock every analyst behind a site's NAT
 * address out for ten minutes. Every login already comes from a registered terminal, so the unit here is the terminal
 * certificate *and* the address: another terminal behind the same address keeps its own budget. The first
 * `FREE_FAILURES` failures cost nothing (typing mistakes); after that each attempt must wait a delay that doubles
 * with every failure up to `MAX_DELAY_MS`; only at `HARD_LIMIT` failures is the terminal refused outright until the
 * window ends. The per-account lockout (5 failures, helpdesk only) is separate and unchanged.
 *
 * Concurrency: an attempt reserves its place in the count before it is tried (atomic INCRBY) and gives it back if it
 * succeeds or is not tried, so a burst of parallel requests cannot all read "0 failures" and all go free; past the
 * free failures only one attempt per terminal may be in flight at a time (SET NX turn). This holds on every gateway
 * instance, since the store is shared.
 */
export const FREE_FAILURES = 5;
export const BASE_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 60_000;
export const HARD_LIMIT = 20;
/** One `failed-login-burst` alert per window when a terminal reaches this many failures (it is being slowed). */
export const TERMINAL_ALERT_AT = 10;
/** Failures are counted in a window that starts with the first one. */
export const WINDOW_MS = EphemeralKeys.throttleFailures.ttlMs;
/** A claimed turn that never reported back (a crashed request) frees itself after this long. */
const TURN_MS = EphemeralKeys.throttleTurn.ttlMs;
/** How long the helpdesk's pass for one user lasts (the user is expected to log in right after the call). */
const PASS_MS = EphemeralKeys.throttlePass.ttlMs;

/** The terminal certificate and address of a login attempt. */
export interface ThrottleOrigin {
  fingerprint: string;
  address: string;
}

export type Admission = { ok: true; ticket: Ticket } | { ok: false; retryAfterMs: number; reason: 'login-throttled' | 'login-refused' };

/** An admitted attempt: settle it with `failed` or `succeeded`. */
export interface Ticket {
  readonly key: string | null;
  readonly turn: boolean;
  /** Let through by the helpdesk's pass (not counted). */
  readonly passed: boolean;
}

/** The wait imposed after `failures` failures (0 while they are free). */
export function delayAfter(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_MS);
}

export class LoginThrottle {
  constructor(
    private readonly store: EphemeralStore,
    private readonly clock: Clock,
  ) {}

  /**
   * May this terminal try now? A user the helpdesk has just unlocked (identity checked) passes straight through:
   * their account's own 5-failure lockout still bounds what a pass can be used for.
   */
  async admit(origin: ThrottleOrigin, username: string): Promise<Admission> {
    if (USERNAME.test(username) && (await this.store.get(passKey(username))))
      return { ok: true, ticket: { key: null, turn: false, passed: true } };
    const key = originKey(origin);
    const count = EphemeralKeys.throttleFailures.key(key);
    const place = await this.store.increment(count, WINDOW_MS);
    const failuresBefore = place - 1;
    if (failuresBefore < FREE_FAILURES) return { ok: true, ticket: { key, turn: false, passed: false } };
    const refuse = async (retryAfterMs: number, reason: 'login-throttled' | 'login-refused'): Promise<Admission> => {
      await this.store.increment(count, WINDOW_MS, -1);
      return { ok: false, retryAfterMs, reason };
    };
    if (failuresBefore >= HARD_LIMIT) return refuse(WINDOW_MS, 'login-refused');
    const wait = Number((await this.store.get(EphemeralKeys.throttleNext.key(key))) ?? '0') - this.clock.now();
    if (wait > 0) return refuse(wait, 'login-throttled');
    if (!(await this.store.claim(EphemeralKeys.throttleTurn.key(key), TURN_MS)))
      return refuse(delayAfter(failuresBefore), 'login-throttled');
    return { ok: true, ticket: { key, turn: true, passed: false } };
  }

  /** The attempt failed: its reserved place stays counted and the next attempt must wait; returns the count. */
  async failed(ticket: Ticket): Promise<number> {
    if (ticket.key === null) return 0;
    const failures = await this.store.increment(EphemeralKeys.throttleFailures.key(ticket.key), WINDOW_MS, 0);
    await this.slowDown(ticket.key, failures);
    if (ticket.turn) await this.store.delete(EphemeralKeys.throttleTurn.key(ticket.key));
    return failures;
  }

  /** A failure after an attempt that was admitted and settled (a wrong TOTP code after the right password). */
  async failedLater(origin: ThrottleOrigin): Promise<number> {
    const key = originKey(origin);
    const failures = await this.store.increment(EphemeralKeys.throttleFailures.key(key), WINDOW_MS);
    await this.slowDown(key, failures);
    return failures;
  }

  /** True for exactly one caller per terminal and window: the one that raises the terminal's burst alert. */
  async firstAlert(origin: ThrottleOrigin): Promise<boolean> {
    return this.store.claim(EphemeralKeys.throttleAlerted.key(originKey(origin)), WINDOW_MS);
  }

  private async slowDown(key: string, failures: number): Promise<void> {
    const delay = delayAfter(failures);
    if (delay > 0) await this.store.put(EphemeralKeys.throttleNext.key(key), String(this.clock.now() + delay), WINDOW_MS);
  }

  /** The attempt did not fail (right password): its place is given back, so successful logins never slow anyone. */
  async succeeded(ticket: Ticket): Promise<void> {
    if (ticket.key === null) return;
    await this.store.increment(EphemeralKeys.throttleFailures.key(ticket.key), WINDOW_MS, -1);
    if (ticket.turn) await this.store.delete(EphemeralKeys.throttleTurn.key(ticket.key));
  }

  /** The helpdesk's unlock: this user may log in at once from any terminal, however slowed it is. */
  async grantPass(username: string): Promise<void> {
    await this.store.put(passKey(username), '1', PASS_MS);
  }

  /** The pass is used up by the user's next correct password. */
  async usePass(username: string): Promise<void> {
    await this.store.delete(passKey(username));
  }
}

/** Only well-formed user names can hold a pass (the same rule as the account lookup). */
const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;

function originKey(origin: ThrottleOrigin): string {
  return `${origin.fingerprint}:${origin.address}`;
}

function passKey(username: string): string {
  return EphemeralKeys.throttlePass.key(username);
}
