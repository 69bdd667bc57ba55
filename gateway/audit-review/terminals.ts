import type { TerminalStore } from '../stores/types.js';

const FINGERPRINT = /^[0-9a-f]{64}$/;

/**
 * Widens terminal ids to the certificate fingerprints they have held (the access records carry only the
 * fingerprint of the presented certificate; a renewed terminal had others before). Fingerprints and unknown
 * ids are kept as given; the result is what a search by terminal should match.
 */
export async function expandTerminals(terminals: Pick<TerminalStore, 'get'>, values: readonly string[]): Promise<string[]> {
  const out = new Set(values);
  for (const value of values) {
    if (FINGERPRINT.test(value)) continue;
    const t = await terminals.get(value);
    if (!t) continue;
    out.add(t.fingerprint);
    for (const c of t.certificates ?? []) out.add(c.fingerprint);
  }
  return [...out];
}
