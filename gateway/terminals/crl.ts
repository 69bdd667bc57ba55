/**
 * The CRL of the issuing CA (RFC 5280 section 5), built from the register: every superseded or revoked terminal
 * certificate. It is signed by whoever changes the register (CLI or staff API, both hold the CA) and stored, so
 * every gateway instance serves the same list at the distribution point without holding the CA key.
 */
import type { Authority, RevokedEntry } from '../../ca/index.js';
import type { Clock } from '../core/clock.js';
import type { StoredCrl, Stores, Terminal } from '../stores/types.js';
import { TERMINAL_REVOCATION_REASONS } from './reasons.js';
import { certificatesOf } from './register.js';

/**
 * A stored CRL older than this is re-signed when served by an instance that has the CA. The CA makes CRLs valid
 * for 7 days (nextUpdate), so relying parties always find one with days to spare even if nothing changes.
 */
export const CRL_REFRESH_MS = 24 * 3_600_000;

/**
 * The CRLReason (RFC 5280 5.3.1) for a register reason. Reasons written by other parts of the gateway map onto
 * the RFC's: a project's end (利用終了書) means the certificate is no longer needed, i.e. cessationOfOperation.
 */
function crlReason(reason: string | undefined): string {
  if (reason !== undefined && (TERMINAL_REVOCATION_REASONS as readonly string[]).includes(reason)) return reason;
  return reason === 'project-ended' ? 'cessationOfOperation' : 'unspecified';
}

/**
 * Every certificate that must appear on the CRL. Entries are kept after expiry (RFC 5280 5.1.2.6 allows dropping
 * them later; the register is small).
 */
export function revokedEntries(terminals: readonly Terminal[]): RevokedEntry[] {
  const entries: RevokedEntry[] = [];
  for (const terminal of terminals) {
    for (const cert of certificatesOf(terminal)) {
      if (cert.status === 'current') continue;
      entries.push({
        serial: cert.serial,
        revokedAt: new Date(cert.revokedAt ?? terminal.revokedAt ?? terminal.registeredAt),
        reason: cert.status === 'superseded' ? 'superseded' : crlReason(cert.revocationReason),
      });
    }
  }
  return entries.sort((a, b) => a.revokedAt.getTime() - b.revokedAt.getTime());
}

/** Signs a fresh CRL from the register and stores it (a newer one stored meanwhile wins); returns what is current. */
export async function publishCrl(deps: { stores: Stores; clock: Clock; authority: Authority }): Promise<StoredCrl> {
  const now = deps.clock.now();
  const entries = revokedEntries(await deps.stores.terminals.list());
  // Seconds since the epoch as the floor: numbers stay increasing even if the store is ever emptied.
  const number = await deps.stores.crls.nextNumber(Math.floor(now / 1000));
  const pem = deps.authority.createCrl(entries, { now: new Date(now), crlNumber: number });
  const thisUpdate = Math.floor(now / 1000) * 1000;
  const crl: StoredCrl = { number, pem, thisUpdate, nextUpdate: thisUpdate + 7 * 86_400_000, entries: entries.length };
  if (await deps.stores.crls.put(crl)) return crl;
  return (await deps.stores.crls.get()) ?? crl;
}

/**
 * The CRL to serve: the stored one, re-signed first when it is missing or older than {@link CRL_REFRESH_MS} and
 * this process has the CA. Null when there is none and no CA to make one.
 */
export async function servableCrl(deps: { stores: Stores; clock: Clock; authority: Authority | null }): Promise<StoredCrl | null> {
  const stored = await deps.stores.crls.get();
  const fresh = stored !== null && deps.clock.now() - stored.thisUpdate < CRL_REFRESH_MS;
  if (fresh || deps.authority === null) return stored;
  return publishCrl({ stores: deps.stores, clock: deps.clock, authority: deps.authority });
}

/** The DER bytes of a PEM CRL (RFC 5280 4.2.1.13: an HTTP distribution point serves DER). */
export function crlDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z0-9 ]+-----|\s/g, ''), 'base64');
}
