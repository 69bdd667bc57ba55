/**
 * The terminal register (利用端末管理簿, HIC GL 第5-1): checks on what goes in, look-ups that fail with a clear
 * message, the certificate history of an entry, and compare-and-set updates (never check-then-act).
 */
import { HicError } from '../core/errors.js';
import type { Stores, Terminal, TerminalCertificate } from '../stores/types.js';

/** Terminal ids appear in file names, URLs and certificate CNs: a short, plain alphabet. */
const TERMINAL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** The config schema's project id rule. */
const PROJECT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** How often a compare-and-set update is retried when another writer got in first. */
const UPDATE_ATTEMPTS = 5;

/** Checks a terminal id. */
export function checkTerminalId(id: unknown): string {
  if (typeof id !== 'string' || !TERMINAL_ID.test(id)) {
    throw new HicError(
      'BAD_REQUEST',
      `invalid terminal id ${JSON.stringify(id)}: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return id;
}

/**
 * Checks the projects a terminal is assigned to: each must exist in the store, so a typo cannot register a
 * terminal that no project's network rule will ever admit. An empty list makes a staff terminal (AC-5).
 */
export async function checkProjects(stores: Stores, projects: readonly string[]): Promise<string[]> {
  const unique = [...new Set(projects)];
  for (const p of unique) {
    if (!PROJECT_ID.test(p)) throw new HicError('BAD_REQUEST', `invalid project id ${JSON.stringify(p)}`);
    if (!(await stores.projects.get(p))) throw new HicError('NOT_FOUND', `unknown project ${p}`);
  }
  return unique;
}

/** Hex serial, any case, colons allowed, compared in lowercase (Node prints serials upper-case). */
export function normaliseSerial(serial: unknown): string {
  const hex = typeof serial === 'string' ? serial.replace(/:/g, '').toLowerCase() : '';
  if (!/^[0-9a-f]{1,40}$/.test(hex))
    throw new HicError('BAD_REQUEST', `invalid serial number ${JSON.stringify(serial)}: hex digits expected`);
  return hex.replace(/^0+(?=.)/, '');
}

/**
 * The certificates of an entry, newest last. Entries written before the history existed (or by the demo's
 * `registerTerminal`) get one synthesised from their top-level fields. An entry revoked by writing only its
 * top-level status (e.g. when a project ends, gateway/projects/) shows its current certificate as revoked, so
 * the CRL and the views never miss it.
 */
export function certificatesOf(t: Terminal): TerminalCertificate[] {
  const revoked = t.status === 'revoked';
  const revocation = {
    ...(t.revokedAt !== undefined ? { revokedAt: t.revokedAt } : {}),
    ...(t.revocationReason !== undefined ? { revocationReason: t.revocationReason } : {}),
  };
  if (t.certificates && t.certificates.length > 0) {
    if (!revoked) return t.certificates;
    return t.certificates.map((c) => (c.status === 'current' ? { ...c, status: 'revoked' as const, ...revocation } : c));
  }
  return [
    {
      serial: t.serial,
      fingerprint: t.fingerprint,
      notBefore: t.validFrom ?? t.registeredAt,
      notAfter: t.notAfter,
      issuedAt: t.registeredAt,
      issuedBy: t.requestedBy,
      method: 'registered',
      status: revoked ? 'revoked' : 'current',
      ...(revoked ? revocation : {}),
    },
  ];
}

/** CONFLICT when the id is taken: a cheap early check (the store's `create` decides when two operators race). */
export async function assertTerminalIdFree(stores: Stores, id: string): Promise<void> {
  if (await stores.terminals.get(checkTerminalId(id))) throw new HicError('CONFLICT', `terminal ${id} is already registered`);
}

/** The entry, or NOT_FOUND naming the id. */
export async function findTerminal(stores: Stores, id: string): Promise<Terminal> {
  const terminal = await stores.terminals.get(checkTerminalId(id));
  if (!terminal) throw new HicError('NOT_FOUND', `unknown terminal ${id}`);
  return terminal;
}

/** The entry holding a certificate with this serial (current or past), or NOT_FOUND. */
export async function findBySerial(stores: Stores, serial: string): Promise<{ terminal: Terminal; certificate: TerminalCertificate }> {
  const wanted = normaliseSerial(serial);
  // The register holds hundreds of terminals, not millions: a scan keeps the store interface small.
  for (const terminal of await stores.terminals.list()) {
    const certificate = certificatesOf(terminal).find((c) => normaliseSerial(c.serial) === wanted);
    if (certificate) return { terminal, certificate };
  }
  throw new HicError('NOT_FOUND', `no registered terminal certificate has serial ${serial}`);
}

/**
 * Applies `change` to the stored entry with compare-and-set, re-reading and re-applying when another writer
 * got in first; `change` re-checks its preconditions on every attempt (it may throw).
 */
export async function updateTerminal(
  stores: Stores,
  id: string,
  change: (current: Terminal) => Terminal,
): Promise<{ before: Terminal; after: Terminal }> {
  for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
    const before = await findTerminal(stores, id);
    const revision = before.revision ?? 0;
    const next = change(before);
    if (await stores.terminals.replace(next, revision)) return { before, after: { ...next, revision: revision + 1 } };
  }
  throw new HicError('CONFLICT', `terminal ${id} is being changed by someone else; try again`);
}
