import { isPasswordExpired } from '../accounts/password-expiry.js';
import { raiseAlert } from '../alerts/alert.js';
import { verifyPassword } from '../accounts/password-hash.js';
import { verifyTotp } from '../accounts/totp.js';
import type { Runtime } from '../runtime.js';
import { LoginThrottle, TERMINAL_ALERT_AT, WINDOW_MS, type Ticket } from './login-throttle.js';
import type { Account, SessionRecord, Terminal } from '../stores/types.js';
import { EphemeralKeys } from '../stores/ephemeral-keys.js';

/** Where a login attempt comes from; every audit event of the login names it. */
export interface LoginOrigin {
  terminal: Terminal;
  fingerprint: string;
  address: string;
}

/**
 * After a correct password: `totp` — ask for the code; `set-up` — no authenticator yet (first login): a
 * restricted session that can only change the password and enrol (AUTH-2).
 */
export type PasswordOutcome =
  { ok: true; account: Account; next: 'totp' | 'set-up' } | { ok: false; rateLimited?: boolean; retryAfterSeconds?: number };

/** Failed logins from one address (every terminal behind it) in a window that raise one alert; nothing is refused by address. */
const ADDRESS_ALERT_AT = 20;
const ADDRESS_WINDOW_MS = EphemeralKeys.addressFailures.ttlMs;

/**
 * Password + TOTP login (AUTH-1, AUTH-4). Every failure returns the same `{ ok: false }`; the reason goes only
 * to the audit log. Failure counts are atomic store increments, so the lockout fires exactly once however many
 * attempts race across instances.
 */
export class LoginService {
  private readonly throttle: LoginThrottle;
  constructor(private readonly rt: Runtime) {
    this.throttle = new LoginThrottle(rt.stores.ephemeral, rt.clock);
  }

  async checkPassword(username: string, password: string, origin: LoginOrigin): Promise<PasswordOutcome> {
    const { rt } = this;
    // A terminal that keeps failing is slowed, then refused; other terminals behind the same address are not (issue 11 item 5).
    const admission = await this.throttle.admit(origin, username);
    if (!admission.ok) {
      await rt.audit.security({
        event: 'login-failed',
        stage: 'password',
        reason: admission.reason,
        retryAfterMs: admission.retryAfterMs,
        user: username,
        terminalId: origin.terminal.id,
        terminal: origin.fingerprint,
        address: origin.address,
      });
      return { ok: false, rateLimited: true, retryAfterSeconds: Math.max(1, Math.ceil(admission.retryAfterMs / 1000)) };
    }
    const account = /^[A-Za-z0-9._@-]{1,64}$/.test(username) ? await rt.stores.accounts.get(username) : null;
    // Unknown users cost one argon2 verification too (no user enumeration by timing).
    const passwordOk = await verifyPassword(account?.passwordHash, password, rt.hashCost);
    const base = { user: username, terminalId: origin.terminal.id, terminal: origin.fingerprint, address: origin.address };
    const { ticket } = admission;
    if (!account) {
      await this.countOriginFailure(origin, ticket);
      await rt.audit.security({ event: 'login-failed', stage: 'password', reason: 'unknown-user', ...base });
      return { ok: false };
    }
    const refusal = this.refusalFor(account, origin) ?? (passwordOk ? this.initialPasswordRefusal(account) : null);
    if (refusal) {
      if (passwordOk) await this.throttle.succeeded(ticket);
      else await this.countOriginFailure(origin, ticket);
      await rt.audit.security({ event: 'login-failed', stage: 'password', reason: refusal, passwordOk, ...base });
      return { ok: false };
    }
    if (!passwordOk) {
      await this.countOriginFailure(origin, ticket);
      await this.countFailure(account, 'password', base);
      return { ok: false };
    }
    await this.throttle.succeeded(ticket);
    if (ticket.passed) await this.throttle.usePass(account.username);
    await rt.stores.ephemeral.delete(EphemeralKeys.failures.key('password', account.username));
    if (account.passwordMeta.initial) {
      // The issued password works once (AUTH-2): from now on only the forced change can follow.
      account.passwordMeta = { ...account.passwordMeta, initialUsedAt: rt.clock.now() };
      await rt.stores.accounts.put(account);
      await rt.audit.security({ event: 'initial-password-used', ...base });
    }
    return { ok: true, account, next: account.totpEnrolled ? 'totp' : 'set-up' };
  }

  /** Verifies the code and consumes it: a code is accepted once only (atomic SET NX on user + time step). */
  async checkTotp(account: Account, code: string, origin: LoginOrigin): Promise<boolean> {
    const { rt } = this;
    const base = { user: account.username, terminalId: origin.terminal.id, terminal: origin.fingerprint, address: origin.address };
    const current = await rt.stores.accounts.get(account.username);
    const refusal = current ? this.refusalFor(current, origin) : 'unknown-user';
    if (refusal || !current?.totpSecretSealed) {
      await rt.audit.security({ event: 'login-failed', stage: 'totp', reason: refusal ?? 'totp-not-enrolled', ...base });
      return false;
    }
    const secret = rt.secretBox.open(current.totpSecretSealed, current.username);
    const verdict = verifyTotp({ secret, token: code, now: rt.clock.now() });
    if (!verdict.valid) {
      await this.countOriginFailure(origin, null);
      await this.countFailure(current, 'totp', base);
      return false;
    }
    if (!(await rt.stores.ephemeral.claim(EphemeralKeys.totpUsed.key(current.username, verdict.timeStep), EphemeralKeys.totpUsed.ttlMs))) {
      await rt.audit.security({ event: 'login-failed', stage: 'totp', reason: 'totp-replayed', ...base });
      return false;
    }
    await rt.stores.ephemeral.delete(EphemeralKeys.failures.key('totp', current.username));
    return true;
  }

  /**
   * Creates the session (fresh id, bound to user, project and terminal) and records the login durably. An initial
   * or expired password, or a missing authenticator, gives a restricted session (AUTH-2, AUTH-3).
   */
  async startSession(account: Account, origin: LoginOrigin, via: 'form' | 'api'): Promise<{ token: string; record: SessionRecord }> {
    const { rt } = this;
    const restriction = this.restrictionFor(account);
    const created = await rt.sessions.create({
      user: account.username,
      project: account.project ?? '',
      roles: account.roles,
      terminal: origin.fingerprint,
      terminalId: origin.terminal.id,
      address: origin.address,
      ...(restriction ? { restriction } : {}),
    });
    await rt.audit.security({
      event: 'login-success',
      via,
      user: account.username,
      session: created.record.id,
      project: account.project,
      roles: account.roles,
      terminalId: origin.terminal.id,
      terminal: origin.fingerprint,
      address: origin.address,
      ...(restriction ? { restriction } : {}),
    });
    return created;
  }

  /**
   * After a set-up step (password changed, authenticator enrolled): the restricted session is replaced by a new
   * one with a fresh id — restricted further if something is still missing, full otherwise.
   */
  async continueSession(old: SessionRecord, username: string): Promise<{ token: string; record: SessionRecord }> {
    const { rt } = this;
    const account = (await rt.stores.accounts.get(username))!;
    await rt.sessions.end(old.id, 'set-up-step', username);
    const restriction = this.restrictionFor(account);
    const created = await rt.sessions.create({
      user: old.user,
      project: old.project,
      roles: account.roles,
      terminal: old.terminal,
      terminalId: old.terminalId,
      address: old.address,
      ...(restriction ? { restriction } : {}),
    });
    await rt.audit.security({
      event: 'login-success',
      via: 'set-up',
      user: old.user,
      session: created.record.id,
      project: old.project,
      terminalId: old.terminalId,
      terminal: old.terminal,
      address: old.address,
      restriction,
    });
    return created;
  }

  /** What the account must finish before a full session (null: nothing). */
  restrictionFor(account: Account): 'password-change' | 'totp-enrolment' | null {
    if (account.passwordMeta.initial || isPasswordExpired(account.passwordMeta, this.rt.policy.password, this.rt.clock))
      return 'password-change';
    if (!account.totpEnrolled) return 'totp-enrolment';
    return null;
  }

  /** An issued password is refused once used or after its validity (default 14 days). */
  private initialPasswordRefusal(account: Account): string | null {
    if (!account.passwordMeta.initial) return null;
    if (account.passwordMeta.initialUsedAt !== undefined) return 'initial-password-used';
    if (isPasswordExpired(account.passwordMeta, this.rt.policy.password, this.rt.clock)) return 'initial-password-expired';
    return null;
  }

  /**
   * A failed login slows its terminal down (login-throttle.ts). The security team hears of it once per window when
   * one terminal reaches TERMINAL_ALERT_AT failures, and once when one address (a whole site behind NAT, many
   * terminals) reaches ADDRESS_ALERT_AT: the alert stays, the lock-out of a site does not.
   */
  private async countOriginFailure(origin: LoginOrigin, ticket: Ticket | null): Promise<void> {
    if (ticket?.passed) return; // the helpdesk's pass: the account's own lockout counts these
    const fromTerminal = ticket ? await this.throttle.failed(ticket) : await this.throttle.failedLater(origin);
    const fromAddress = await this.rt.stores.ephemeral.increment(
      EphemeralKeys.addressFailures.key(origin.address),
      EphemeralKeys.addressFailures.ttlMs,
    );
    const common = { terminalId: origin.terminal.id, terminal: origin.fingerprint, address: origin.address };
    if (fromTerminal >= TERMINAL_ALERT_AT && (await this.throttle.firstAlert(origin))) {
      await raiseAlert(this.rt, {
        type: 'failed-login-burst',
        summary: `${fromTerminal} failed logins from terminal ${origin.terminal.id} at ${origin.address} within ${WINDOW_MS / 1000} s; its attempts are slowed down`,
        scope: 'terminal',
        failures: fromTerminal,
        windowSeconds: WINDOW_MS / 1000,
        ...common,
      });
    }
    if (fromAddress === ADDRESS_ALERT_AT) {
      await raiseAlert(this.rt, {
        type: 'failed-login-burst',
        summary: `${fromAddress} failed logins from ${origin.address} within ${ADDRESS_WINDOW_MS / 1000} s`,
        scope: 'address',
        failures: fromAddress,
        windowSeconds: ADDRESS_WINDOW_MS / 1000,
        ...common,
      });
    }
  }

  /** Reasons an account may not log in at all, whatever the password (AUTH-4, SES-3, AC-2). */
  refusalFor(account: Account, origin: LoginOrigin): string | null {
    if (account.lockedAt !== null) return 'account-locked';
    if (account.status !== 'active') return 'account-suspended';
    if (account.project !== null) {
      const project = this.rt.projects.get(account.project);
      if (!project || !project.usableAt(this.rt.clock.now())) return 'outside-usage-period';
    }
    if (account.project !== null && !origin.terminal.projects.includes(account.project)) return 'terminal-not-assigned';
    if (account.project === null && origin.terminal.projects.length > 0) return 'terminal-not-for-staff';
    return null;
  }

  private async countFailure(account: Account, stage: 'password' | 'totp', base: Record<string, unknown>): Promise<void> {
    const { rt } = this;
    const limit = stage === 'password' ? rt.policy.lockout.maxPasswordFailures : rt.policy.lockout.maxTotpFailures;
    const count = await rt.stores.ephemeral.increment(EphemeralKeys.failures.key(stage, account.username), EphemeralKeys.failures.ttlMs);
    // Attempts that raced past the limit are recorded as such, not as further counted failures.
    await rt.audit.security({
      event: 'login-failed',
      stage,
      reason: count > limit ? 'account-locked' : `wrong-${stage}`,
      failures: count,
      ...base,
    });
    // Exactly one attempt sees count === limit, however many race: that one locks.
    if (count === limit) {
      const latest = (await rt.stores.accounts.get(account.username)) ?? account;
      await rt.stores.accounts.put({ ...latest, lockedAt: rt.clock.now() });
      await rt.audit.security({ event: 'account-locked', stage, failures: count, ...base });
    }
  }
}
