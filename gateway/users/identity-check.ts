import { randomUUID } from 'node:crypto';
import { HicError } from '../core/errors.js';
import type { Account, IdentityCheck } from '../stores/types.js';
import type { UserDeps } from './deps.js';

/** The ledger fields the helpdesk must record before acting for a user (AUTH-5). */
export interface IdentityEvidence {
  verifiedBy: string;
  method: string;
  document: string;
  reference?: string;
}

/** Refuses to go on without every ledger field (scripts rely on this refusal). */
export function requireEvidence(e: Partial<IdentityEvidence>): IdentityEvidence {
  const missing = (['verifiedBy', 'method', 'document'] as const).filter((k) => typeof e[k] !== 'string' || e[k]!.trim() === '');
  if (missing.length > 0) {
    throw new HicError(
      'BAD_REQUEST',
      `the identity check must be recorded first: missing ${missing.map((k) => (k === 'verifiedBy' ? 'verified-by' : k)).join(', ')}`,
    );
  }
  return {
    verifiedBy: e.verifiedBy!.trim(),
    method: e.method!.trim(),
    document: e.document!.trim(),
    ...(e.reference ? { reference: e.reference.trim() } : {}),
  };
}

/** Writes the identity check to the account's ledger and, durably, to the audit log (LOG-6). */
export async function recordIdentityCheck(
  deps: UserDeps,
  account: Account,
  evidence: IdentityEvidence,
  action: string,
  operator: string,
): Promise<IdentityCheck> {
  const check: IdentityCheck = { id: randomUUID(), at: deps.clock.now(), action, ...evidence };
  account.identityChecks = [...(account.identityChecks ?? []), check].slice(-50);
  await deps.audit.security({
    event: 'identity-check',
    user: account.username,
    by: operator,
    checkId: check.id,
    verifiedBy: check.verifiedBy,
    method: check.method,
    document: check.document,
    reference: check.reference ?? null,
    action,
  });
  return check;
}
