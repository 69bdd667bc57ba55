import type { Clock } from '../core/clock.js';
import type { Stores, Terminal } from '../stores/types.js';
import { certificatesOf } from '../terminals/register.js';

/** A certificate issued elsewhere (the demo, tests) to be recorded in the register. */
export interface TerminalRegistration {
  id: string;
  site: string;
  projects: string[];
  fingerprint: string;
  serial: string;
  notAfter: Date;
  requestedBy: string;
}

/**
 * Records a terminal and its current certificate in the register (利用端末管理簿, HIC GL 第5-1). Idempotent for
 * the same certificate, so re-seeding the demo never brings a revoked certificate back (RFC 5280: revocation is
 * final). A different certificate replaces the current one, which is kept in the history as superseded.
 * Certificates made by the built-in CA are registered by `gateway/terminals/` (`hic ca issue-terminal`).
 */
export async function registerTerminal(stores: Stores, clock: Clock, reg: TerminalRegistration): Promise<Terminal> {
  const existing = await stores.terminals.get(reg.id);
  if (existing && existing.fingerprint === reg.fingerprint) return existing;
  const now = clock.now();
  const history = existing
    ? certificatesOf(existing).map((c) =>
        c.status === 'current' ? { ...c, status: 'superseded' as const, revokedAt: now, revocationReason: 'superseded' } : c,
      )
    : [];
  const terminal: Terminal = {
    id: reg.id,
    site: reg.site,
    projects: reg.projects,
    fingerprint: reg.fingerprint,
    serial: reg.serial,
    notAfter: reg.notAfter.getTime(),
    status: 'active',
    requestedBy: reg.requestedBy,
    registeredAt: existing?.registeredAt ?? now,
    certificates: [
      ...history,
      {
        serial: reg.serial,
        fingerprint: reg.fingerprint,
        notBefore: now,
        notAfter: reg.notAfter.getTime(),
        issuedAt: now,
        issuedBy: reg.requestedBy,
        method: 'registered',
        status: 'current',
      },
    ],
    revision: (existing?.revision ?? 0) + 1,
  };
  await stores.terminals.put(terminal);
  return terminal;
}
