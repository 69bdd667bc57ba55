import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { verifyTotp } from '../accounts/totp.js';
import { HicError } from '../core/errors.js';
import type { BilingualMessage } from '../accounts/password-messages.js';
import type { UserDeps } from './deps.js';
import { requireAccount } from './deps.js';
import { recordIdentityCheck, requireEvidence, type IdentityEvidence } from './identity-check.js';
import { setOwnPassword } from './password-change.js';
import { EphemeralKeys } from '../stores/ephemeral-keys.js';

/**
 * Helpdesk-started password reset (AUTH-5). The helpdesk records the identity check and receives a one-time code
 * to pass on; the code alone is useless: the user completes the reset with their own TOTP and chooses the new
 * password themselves, so the helpdesk never learns or sets it. For a lost authenticator there is no TOTP to
 * prove the user, so an administrator other than the helpdesk operator must approve, and the user re-enrols.
 */
interface ResetTicket {
  codeHash: string;
  mode: 'password' | 'lost-authenticator';
  createdBy: string;
  createdAt: number;
  approvedBy: string | null;
  checkId: string;
  attempts: number;
}

const TICKET_MS = EphemeralKeys.resetTicket.ttlMs;
const MAX_CODE_ATTEMPTS = 5;
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

function newCode(): string {
  let code = '';
  for (let i = 0; i < 12; i++) code += (i > 0 && i % 4 === 0 ? '-' : '') + CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

function hashCode(code: string): string {
  return createHash('sha256')
    .update(code.toUpperCase().replace(/[^A-Z0-9]/g, ''))
    .digest('hex');
}

export interface StartedReset {
  code: string;
  mode: ResetTicket['mode'];
  needsApproval: boolean;
  expiresAt: string;
}

/** Starts a reset after the identity check; also lifts a lockout (the user proves themselves at completion). */
export async function startReset(
  deps: UserDeps,
  username: string,
  evidence: Partial<IdentityEvidence>,
  operator: string,
  opts: { lostAuthenticator?: boolean } = {},
): Promise<StartedReset> {
  const proof = requireEvidence(evidence);
  const account = await requireAccount(deps, username);
  const mode: ResetTicket['mode'] = opts.lostAuthenticator ? 'lost-authenticator' : 'password';
  if (mode === 'password' && !account.totpEnrolled) {
    throw new HicError(
      'BAD_REQUEST',
      "the user has no enrolled authenticator: use --lost-authenticator (needs an administrator's approval)",
    );
  }
  const check = await recordIdentityCheck(deps, account, proof, `reset:${mode}`, operator);
  await deps.stores.accounts.put(account);
  const code = newCode();
  const now = deps.clock.now();
  const ticket: ResetTicket = {
    codeHash: hashCode(code),
    mode,
    createdBy: operator,
    createdAt: now,
    approvedBy: null,
    checkId: check.id,
    attempts: 0,
  };
  await deps.stores.ephemeral.put(EphemeralKeys.resetTicket.key(username), JSON.stringify(ticket), EphemeralKeys.resetTicket.ttlMs);
  await deps.audit.security({ event: 'staff-action', action: 'user.reset.start', by: operator, user: username, mode, checkId: check.id });
  return { code, mode, needsApproval: mode === 'lost-authenticator', expiresAt: new Date(now + TICKET_MS).toISOString() };
}

/** The administrator's second approval for a lost-authenticator reset; never by the operator who started it. */
export async function approveReset(deps: UserDeps, username: string, approver: string): Promise<void> {
  const raw = await deps.stores.ephemeral.get(EphemeralKeys.resetTicket.key(username));
  if (!raw) throw new HicError('NOT_FOUND', `no pending reset for ${username}`);
  const ticket = JSON.parse(raw) as ResetTicket;
  if (ticket.mode !== 'lost-authenticator')
    throw new HicError('BAD_REQUEST', 'this reset needs no approval (the user completes it with their own TOTP)');
  if (ticket.createdBy === approver) {
    await deps.audit.security({
      event: 'staff-action-refused',
      action: 'user.reset.approve',
      by: approver,
      user: username,
      reason: 'same-person',
    });
    throw new HicError('FORBIDDEN', 'the reset must be approved by someone other than the helpdesk operator who started it');
  }
  ticket.approvedBy = approver;
  await deps.stores.ephemeral.put(
    EphemeralKeys.resetTicket.key(username),
    JSON.stringify(ticket),
    Math.max(1, ticket.createdAt + EphemeralKeys.resetTicket.ttlMs - deps.clock.now()),
  );
  await deps.audit.security({ event: 'staff-action', action: 'user.reset.approve', by: approver, user: username, checkId: ticket.checkId });
}

export type ResetResult = { ok: true; reenrol: boolean } | { ok: false; rule: string; message: BilingualMessage };

const INVALID: ResetResult = {
  ok: false,
  rule: 'reset-invalid',
  message: {
    ja: 'リセットコードまたはワンタイムコードが正しくないか、承認待ちです。',
    en: 'The reset code or one-time code is wrong, or the reset awaits approval.',
  },
};

/** The user completes the reset: code + own TOTP (or the administrator's approval), then a password of their choice. */
export async function completeReset(deps: UserDeps, username: string, code: string, totp: string, next: string): Promise<ResetResult> {
  const key = `reset:${username}`;
  const raw = await deps.stores.ephemeral.get(key);
  const account = await deps.stores.accounts.get(username);
  if (!raw || !account) {
    await deps.audit.security({ event: 'password-reset-failed', user: username, reason: 'no-ticket' });
    return INVALID;
  }
  const ticket = JSON.parse(raw) as ResetTicket;
  const given = Buffer.from(hashCode(code), 'hex');
  const codeOk = timingSafeEqual(given, Buffer.from(ticket.codeHash, 'hex'));
  let proven = false;
  if (codeOk && ticket.mode === 'password' && account.totpSecretSealed) {
    const verdict = verifyTotp({ secret: deps.secretBox.open(account.totpSecretSealed, username), token: totp, now: deps.clock.now() });
    proven =
      verdict.valid &&
      (await deps.stores.ephemeral.claim(EphemeralKeys.totpUsed.key(username, verdict.timeStep), EphemeralKeys.totpUsed.ttlMs));
  } else if (codeOk && ticket.mode === 'lost-authenticator') {
    proven = ticket.approvedBy !== null;
  }
  if (!proven) {
    ticket.attempts += 1;
    if (ticket.attempts >= MAX_CODE_ATTEMPTS) await deps.stores.ephemeral.delete(key);
    else await deps.stores.ephemeral.put(key, JSON.stringify(ticket), Math.max(1, ticket.createdAt + TICKET_MS - deps.clock.now()));
    await deps.audit.security({
      event: 'password-reset-failed',
      user: username,
      reason: codeOk ? 'not-proven' : 'wrong-code',
      attempts: ticket.attempts,
    });
    return INVALID;
  }
  const set = await setOwnPassword(deps, username, next);
  if (!set.ok) return set;
  const updated = (await deps.stores.accounts.get(username))!;
  updated.lockedAt = null;
  const reenrol = ticket.mode === 'lost-authenticator';
  if (reenrol) {
    updated.totpSecretSealed = null;
    updated.totpEnrolled = false;
  }
  await deps.stores.accounts.put(updated);
  await deps.stores.ephemeral.delete(key);
  await deps.stores.ephemeral.delete(EphemeralKeys.failures.key('password', username));
  await deps.stores.ephemeral.delete(EphemeralKeys.failures.key('totp', username));
  await deps.sessions.endAllForUser(username, 'password-reset', username);
  await deps.audit.security({ event: 'password-reset-completed', user: username, mode: ticket.mode, checkId: ticket.checkId, reenrol });
  return { ok: true, reenrol };
}
