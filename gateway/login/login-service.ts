import { verifyPassword } from '../accounts/password-hash.js';
import { verifyTotp } from '../accounts/totp.js';
import type { Runtime } from '../runtime.js';
import type { Account, SessionRecord, Terminal } from '../stores/types.js';

/** Where a login attempt comes from; every audit event of the login names it. */
export interface LoginOrigin {
  terminal: Terminal;
  fingerprint: string;
  address: string;
}

export type PasswordOutcome = { ok: true; account: Account } | { ok: false };

/** A year: failures stay counted until a success or the helpdesk (AUTH-4: no automatic unlock). */
const FAILURE_WINDOW_MS = 365 * 24 * 3600 * 1000;
const TOTP_REPLAY_MS = 3 * 30_000;

/**
 * Password + TOTP login (AUTH-1, AUTH-4). Every failure returns the same `{ ok: false }`; the reason goes only
 * to the audit log. Failure counts are atomic store increments, so the lockout fires exactly once however many
 * attempts race across instances.
 */
export class LoginService {
  constructor(private readonly rt: Runtime) {}

  async checkPassword(username: string, password: string, origin: LoginOrigin): Promise<PasswordOutcome> {
    const { rt } = this;
    const account = /^[A-Za-z0-9._@-]{1,64}$/.test(username) ? await rt.stores.accounts.get(username) : null;
    // Unknown users cost one argon2 verification too (no user enumeration by timing).
    const passwordOk = await verifyPassword(account?.passwordHash, password, rt.hashCost);
    const base = { user: username, terminalId: origin.terminal.id, terminal: origin.fingerprint, address: origin.address };
    if (!account) {
      await rt.audit.security({ event: 'login-failed', stage: 'password', reason: 'unknown-user', ...base });
      return { ok: false };
    }
    const refusal = this.refusalFor(account, origin);
    if (refusal) {
      await rt.audit.security({ event: 'login-failed', stage: 'password', reason: refusal, passwordOk, ...base });
      return { ok: false };
    }
    if (!passwordOk) {
      await this.countFailure(account, 'password', base);
      return { ok: false };
    }
    await rt.stores.ephemeral.delete(`fail:password:${account.username}`);
    return { ok: true, account };
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
      await this.countFailure(current, 'totp', base);
      return false;
    }
    if (!(await rt.stores.ephemeral.claim(`totp-used:${current.username}:${verdict.timeStep}`, TOTP_REPLAY_MS))) {
      await rt.audit.security({ event: 'login-failed', stage: 'totp', reason: 'totp-replayed', ...base });
      return false;
    }
    await rt.stores.ephemeral.delete(`fail:totp:${current.username}`);
    return true;
  }

  /** Creates the session (fresh id, bound to user, project and terminal) and records the login durably. */
  async startSession(account: Account, origin: LoginOrigin, via: 'form' | 'api'): Promise<{ token: string; record: SessionRecord }> {
    const { rt } = this;
    const created = await rt.sessions.create({
      user: account.username,
      project: account.project ?? '',
      roles: account.roles,
      terminal: origin.fingerprint,
      terminalId: origin.terminal.id,
      address: origin.address,
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
    });
    return created;
  }

  /** Reasons an account may not log in at all, whatever the password (AUTH-4, SES-3, AC-2). */
  private refusalFor(account: Account, origin: LoginOrigin): string | null {
    if (account.lockedAt !== null) return 'account-locked';
    if (account.status !== 'active') return 'account-suspended';
    if (account.project !== null && !origin.terminal.projects.includes(account.project)) return 'terminal-not-assigned';
    if (account.project === null && origin.terminal.projects.length > 0) return 'terminal-not-for-staff';
    return null;
  }

  private async countFailure(account: Account, stage: 'password' | 'totp', base: Record<string, unknown>): Promise<void> {
    const { rt } = this;
    const limit = stage === 'password' ? rt.policy.lockout.maxPasswordFailures : rt.policy.lockout.maxTotpFailures;
    const count = await rt.stores.ephemeral.increment(`fail:${stage}:${account.username}`, FAILURE_WINDOW_MS);
    await rt.audit.security({ event: 'login-failed', stage, reason: `wrong-${stage}`, failures: count, ...base });
    // Exactly one attempt sees count === limit, however many race: that one locks.
    if (count === limit) {
      const latest = (await rt.stores.accounts.get(account.username)) ?? account;
      await rt.stores.accounts.put({ ...latest, lockedAt: rt.clock.now() });
      await rt.audit.security({ event: 'account-locked', stage, failures: count, ...base });
    }
  }
}
