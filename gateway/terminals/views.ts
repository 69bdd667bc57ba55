/**
 * How the register is shown: filters (status, site, project, expiring soon) and a JSON-friendly view with ISO
 * dates, shared by `hic ca list` and `GET /_hic/api/ca/terminals`, plus the fields every audit record carries.
 */
import type { Terminal, TerminalCertificate } from '../stores/types.js';
import { certificatesOf } from './register.js';

const DAY_MS = 86_400_000;

/** Which entries to show; every given condition must hold. */
export interface TerminalFilter {
  status?: 'active' | 'revoked' | undefined;
  site?: string | undefined;
  project?: string | undefined;
  /** Active terminals whose certificate ends within this many ms (already expired ones included). */
  expiringWithinMs?: number | undefined;
}

/** A register entry as shown to people and scripts. */
export interface TerminalView {
  id: string;
  site: string;
  projects: string[];
  status: 'active' | 'revoked';
  serial: string;
  fingerprint: string;
  validFrom: string | null;
  notAfter: string;
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number;
  expired: boolean;
  requestedBy: string;
  requestedAt: string | null;
  registeredAt: string;
  revokedAt: string | null;
  revocationReason: string | null;
  note: string | null;
  certificates: (Omit<TerminalCertificate, 'notBefore' | 'notAfter' | 'issuedAt' | 'revokedAt'> & {
    notBefore: string;
    notAfter: string;
    issuedAt: string;
    revokedAt: string | null;
  })[];
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** Filters and sorts (soonest expiry first when asking for expiring ones, else by id). */
export function filterTerminals(terminals: readonly Terminal[], filter: TerminalFilter, now: number): Terminal[] {
  const within = filter.expiringWithinMs;
  const picked = terminals.filter(
    (t) =>
      (filter.status === undefined || t.status === filter.status) &&
      (filter.site === undefined || t.site === filter.site) &&
      (filter.project === undefined || t.projects.includes(filter.project)) &&
      (within === undefined || (t.status === 'active' && t.notAfter <= now + within)),
  );
  return picked.sort(within === undefined ? (a, b) => a.id.localeCompare(b.id) : (a, b) => a.notAfter - b.notAfter);
}

/** The view of one entry at `now`. */
export function terminalView(t: Terminal, now: number): TerminalView {
  return {
    id: t.id,
    site: t.site,
    projects: t.projects,
    status: t.status,
    serial: t.serial,
    fingerprint: t.fingerprint,
    validFrom: iso(t.validFrom),
    notAfter: new Date(t.notAfter).toISOString(),
    daysLeft: Math.floor((t.notAfter - now) / DAY_MS),
    expired: t.notAfter <= now,
    requestedBy: t.requestedBy,
    requestedAt: iso(t.requestedAt),
    registeredAt: new Date(t.registeredAt).toISOString(),
    revokedAt: iso(t.revokedAt),
    revocationReason: t.revocationReason ?? null,
    note: t.note ?? null,
    certificates: certificatesOf(t).map((c) => ({
      ...c,
      notBefore: new Date(c.notBefore).toISOString(),
      notAfter: new Date(c.notAfter).toISOString(),
      issuedAt: new Date(c.issuedAt).toISOString(),
      revokedAt: iso(c.revokedAt),
    })),
  };
}

/** The fields an audit record of a register change carries (LOG-6: which terminal, which certificate). */
export function auditFieldsOf(t: Terminal): Record<string, unknown> {
  return {
    terminalId: t.id,
    site: t.site,
    projects: t.projects,
    serial: t.serial,
    fingerprint: t.fingerprint,
    notAfter: new Date(t.notAfter).toISOString(),
    status: t.status,
  };
}
