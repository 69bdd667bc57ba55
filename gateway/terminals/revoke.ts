/**
 * Revoking a terminal certificate (HIC GL 第5-4-ii-②; RFC 5280 5.3.1 reasons). The order is chosen for speed
 * and safety: the register first (every new TLS connection is checked against it, so from here on the
 * certificate is refused everywhere), then the pub/sub news (every instance cuts the open connections and
 * WebSockets made with it within milliseconds), then the sessions, then the CRL for relying parties.
 */
import { HicError } from '../core/errors.js';
import type { StoredCrl, Terminal, TerminalCertificate } from '../stores/types.js';
import { publishCrl } from './crl.js';
import type { LedgerDeps } from './deps.js';
import { certificatesOf, findBySerial, findTerminal, normaliseSerial, updateTerminal } from './register.js';
import { checkRevocationReason } from './reasons.js';

/** Which certificate to revoke: by terminal id (its current certificate) or by serial. Exactly one is given. */
export interface RevokeRequest {
  terminalId?: string | undefined;
  serial?: string | undefined;
  /** An RFC 5280 CRLReason from {@link TERMINAL_REVOCATION_REASONS}. */
  reason: string;
  note?: string | undefined;
  by: string;
}

/** What the revocation did. `crl` is null when this process has no CA (the next process with one re-signs it). */
export interface RevokeResult {
  terminal: Terminal;
  certificate: TerminalCertificate;
  sessionsEnded: number;
  crl: StoredCrl | null;
}

async function target(deps: LedgerDeps, req: RevokeRequest): Promise<Terminal> {
  const byId = req.terminalId !== undefined && req.terminalId !== '';
  const bySerial = req.serial !== undefined && req.serial !== '';
  if (byId === bySerial) throw new HicError('BAD_REQUEST', 'give exactly one of a terminal id or a serial number');
  if (byId) return findTerminal(deps.stores, req.terminalId!);
  const { terminal, certificate } = await findBySerial(deps.stores, req.serial!);
  if (certificate.status !== 'current') {
    const when = certificate.revokedAt !== undefined ? ` on ${new Date(certificate.revokedAt).toISOString()}` : '';
    throw new HicError('CONFLICT', `certificate ${certificate.serial} of terminal ${terminal.id} is already ${certificate.status}${when}`);
  }
  return terminal;
}

/** Revokes the terminal's current certificate everywhere; refuses unknown terminals and repeated revocations. */
export async function revokeTerminal(deps: LedgerDeps, req: RevokeRequest): Promise<RevokeResult> {
  const reason = checkRevocationReason(req.reason);
  const found = await target(deps, req);
  const wantedSerial = req.serial !== undefined && req.serial !== '' ? normaliseSerial(req.serial) : null;
  const now = deps.clock.now();
  const { after } = await updateTerminal(deps.stores, found.id, (current) => {
    if (current.status === 'revoked') {
      throw new HicError(
        'CONFLICT',
        `terminal ${current.id} is already revoked (${new Date(current.revokedAt ?? now).toISOString()}, ${current.revocationReason ?? 'unspecified'})`,
      );
    }
    // A renewal in between made the named serial history: do not revoke the new certificate by mistake.
    if (wantedSerial !== null && normaliseSerial(current.serial) !== wantedSerial) {
      throw new HicError('CONFLICT', `certificate ${req.serial} is no longer the current certificate of terminal ${current.id}`);
    }
    const certificates = certificatesOf(current).map((c) =>
      c.status === 'current' ? { ...c, status: 'revoked' as const, revokedAt: now, revocationReason: reason } : c,
    );
    return {
      ...current,
      status: 'revoked',
      revokedAt: now,
      revocationReason: reason,
      certificates,
      ...(req.note !== undefined ? { note: req.note } : {}),
    };
  });
  await deps.stores.events.publish({ type: 'terminal-revoked', fingerprint: after.fingerprint, reason });
  const sessionsEnded = await deps.sessions.endAllForTerminal(after.fingerprint, 'terminal-revoked', req.by);
  const crl = deps.authority ? await publishCrl({ stores: deps.stores, clock: deps.clock, authority: deps.authority }) : null;
  const certificate = certificatesOf(after).find((c) => c.fingerprint === after.fingerprint)!;
  return { terminal: after, certificate, sessionsEnded, crl };
}
