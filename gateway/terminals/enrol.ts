/**
 * Putting a terminal into the register with a certificate from the built-in CA (HIC GL 第5-4-ii-②: client
 * certificates from the operator's own CA; 第5-1: the register of terminals), and renewing it. Either the CA
 * makes the key and hands it over in a PKCS#12 bundle, or the terminal makes its own key and sends a CSR (the key
 * never leaves the terminal). Renewal keeps the register entry: id, site, projects and history.
 */
import type { Authority, IssuedCertificate } from '../../ca/index.js';
import { HicError } from '../core/errors.js';
import type { Terminal, TerminalCertificate } from '../stores/types.js';
import { publishCrl } from './crl.js';
import { requireAuthority, type LedgerDeps } from './deps.js';
import { assertTerminalIdFree, certificatesOf, checkProjects, checkTerminalId, findTerminal, updateTerminal } from './register.js';

/** A new terminal for the register. */
export interface EnrolRequest {
  terminalId: string;
  site: string;
  /** Projects the terminal may be used for; empty for a staff terminal. */
  projects: string[];
  /** PEM PKCS#10 made on the terminal; without it the CA makes the key and a PKCS#12 bundle. */
  csrPem?: string | undefined;
  validityDays?: number | undefined;
  /** Who asked for the terminal (the register's 申請者); defaults to `by`. */
  requestedBy?: string | undefined;
  /** The operator doing it. */
  by: string;
  note?: string | undefined;
}

/** What enrolment or renewal produced. The PKCS#12 fields are present only when the CA made the key. */
export interface EnrolResult {
  terminal: Terminal;
  certificate: IssuedCertificate;
  p12?: Buffer;
  p12Password?: string;
  /**
   * The private key as PEM (PKCS#8), for scripts that cannot read PKCS#12 (curl, openssl s_client). Present only
   * when the CA made the key; the caller decides whether to write it out (`hic ca issue-terminal --pem`).
   */
  keyPem?: string;
}

/** A renewal: the entry stays; only the certificate changes. */
export interface RenewRequest {
  terminalId: string;
  csrPem?: string | undefined;
  validityDays?: number | undefined;
  by: string;
  note?: string | undefined;
}

/** Renewal also reports what happened to the certificate it replaced. */
export interface RenewResult extends EnrolResult {
  previous: TerminalCertificate;
  sessionsEnded: number;
}

async function certify(
  ca: Authority,
  t: { id: string; site: string; projects: string[] },
  csrPem: string | undefined,
  validityDays: number | undefined,
) {
  // The certificate names one project only when the terminal has exactly one; the register is the authority.
  const req = { terminalId: t.id, site: t.site, project: t.projects.length === 1 ? t.projects[0] : undefined, validityDays };
  if (csrPem !== undefined) return { certificate: await ca.signCsr(csrPem, req) };
  const { p12, p12Password, keyPem, ...certificate } = await ca.issueTerminalCertificate(req);
  return { certificate, p12, p12Password, keyPem };
}

function certificateEntry(c: IssuedCertificate, method: 'pkcs12' | 'csr', now: number, by: string): TerminalCertificate {
  return {
    serial: c.serial,
    fingerprint: c.fingerprint,
    notBefore: c.notBefore.getTime(),
    notAfter: c.notAfter.getTime(),
    issuedAt: now,
    issuedBy: by,
    method,
    status: 'current',
  };
}

/** Issues a certificate for a new terminal and records it. Refuses a taken id (CONFLICT) and unknown projects. */
export async function enrolTerminal(deps: LedgerDeps, req: EnrolRequest): Promise<EnrolResult> {
  const ca = requireAuthority(deps);
  const id = checkTerminalId(req.terminalId);
  const projects = await checkProjects(deps.stores, req.projects);
  // Checked before a key is generated; `create` below decides for real if two operators race.
  await assertTerminalIdFree(deps.stores, id);
  const issued = await certify(ca, { id, site: req.site, projects }, req.csrPem, req.validityDays);
  const now = deps.clock.now();
  const c = issued.certificate;
  const terminal: Terminal = {
    id,
    site: req.site,
    projects,
    fingerprint: c.fingerprint,
    serial: c.serial,
    notAfter: c.notAfter.getTime(),
    validFrom: c.notBefore.getTime(),
    status: 'active',
    requestedBy: req.requestedBy ?? req.by,
    requestedAt: now,
    registeredAt: now,
    certificates: [certificateEntry(c, req.csrPem !== undefined ? 'csr' : 'pkcs12', now, req.by)],
    ...(req.note !== undefined ? { note: req.note } : {}),
  };
  if (!(await deps.stores.terminals.create(terminal))) throw new HicError('CONFLICT', `terminal ${id} is already registered`);
  return { terminal, ...issued };
}

/**
 * Gives a registered, unrevoked terminal a new certificate. The old one is marked superseded and goes on the
 * CRL (reason superseded, RFC 5280 5.3.1); connections and sessions made with it are cut on every instance, as
 * for a revocation, because only the register's current certificate identifies the terminal (AC-2).
 */
export async function renewTerminal(deps: LedgerDeps, req: RenewRequest): Promise<RenewResult> {
  const ca = requireAuthority(deps);
  const existing = await findTerminal(deps.stores, req.terminalId);
  if (existing.status === 'revoked') {
    throw new HicError(
      'CONFLICT',
      `terminal ${existing.id} is revoked; a revoked terminal is not renewed (register the replacement under a new id)`,
    );
  }
  const issued = await certify(ca, existing, req.csrPem, req.validityDays);
  const now = deps.clock.now();
  const c = issued.certificate;
  let previous: TerminalCertificate | undefined;
  const { after } = await updateTerminal(deps.stores, existing.id, (current) => {
    if (current.status === 'revoked') throw new HicError('CONFLICT', `terminal ${current.id} was revoked meanwhile; not renewed`);
    const history = certificatesOf(current).map((cert) =>
      cert.status === 'current' ? { ...cert, status: 'superseded' as const, revokedAt: now, revocationReason: 'superseded' } : cert,
    );
    previous = history.find((cert) => cert.fingerprint === current.fingerprint) ?? history[history.length - 1];
    return {
      ...current,
      fingerprint: c.fingerprint,
      serial: c.serial,
      notAfter: c.notAfter.getTime(),
      validFrom: c.notBefore.getTime(),
      certificates: [...history, certificateEntry(c, req.csrPem !== undefined ? 'csr' : 'pkcs12', now, req.by)],
      ...(req.note !== undefined ? { note: req.note } : {}),
    };
  });
  const old = previous!;
  await deps.stores.events.publish({ type: 'terminal-revoked', fingerprint: old.fingerprint, reason: 'superseded' });
  const sessionsEnded = await deps.sessions.endAllForTerminal(old.fingerprint, 'terminal-certificate-superseded', req.by);
  await publishCrl({ stores: deps.stores, clock: deps.clock, authority: ca });
  return { terminal: after, ...issued, previous: old, sessionsEnded };
}
