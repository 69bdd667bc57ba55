/**
 * The CA as seen by a running gateway. Only an instance that holds the CA directory can issue certificates or
 * re-sign the CRL through the staff API; every instance can revoke (the register and pub/sub suffice).
 */
import { join, dirname } from 'node:path';
import { authorityExists, loadAuthority, type Authority } from '../../ca/index.js';
import type { GatewayConfig } from '../config/types.js';
import type { Runtime } from '../runtime.js';
import type { LedgerDeps } from './deps.js';

/**
 * `<stateDir>/ca` (where `hic ca init` and the demo put it), else the directory of `tls.caFile` when that is a
 * CA directory (its `ca-bundle.pem` is the usual trust file); null when neither holds a CA.
 */
export function gatewayCaDir(config: GatewayConfig): string | null {
  const candidates = [config.stateDir ? join(config.stateDir, 'ca') : null, dirname(config.tls.caFile)];
  return candidates.find((dir): dir is string => dir !== null && authorityExists(dir)) ?? null;
}

const loaded = new WeakMap<object, Promise<Authority | null>>();

/**
 * Loads the CA once per runtime (issuance uses the runtime's clock); null when this instance has none. A CA made
 * without `--crl-url` still names the CRL in what this gateway issues when `server.publicOrigin` is set: the CRL is
 * served there at `/_hic/crl` (issue 11 item 6).
 */
export function gatewayAuthority(rt: Pick<Runtime, 'config' | 'clock'>): Promise<Authority | null> {
  let pending = loaded.get(rt);
  if (pending === undefined) {
    const dir = gatewayCaDir(rt.config);
    const origin = rt.config.server.publicOrigin;
    pending =
      dir === null
        ? Promise.resolve(null)
        : loadAuthority(dir, { clock: rt.clock }).then((ca) =>
            ca.crlDistributionUrl !== undefined || origin === undefined
              ? ca
              : loadAuthority(dir, { clock: rt.clock, crlDistributionUrl: `${origin}/_hic/crl` }),
          );
    // A failed load (a CA being written, a bad file) is retried on the next call rather than remembered.
    pending.catch(() => loaded.delete(rt));
    loaded.set(rt, pending);
  }
  return pending;
}

/** The register operations' dependencies inside a gateway. */
export async function gatewayLedgerDeps(rt: Runtime): Promise<LedgerDeps> {
  return { stores: rt.stores, clock: rt.clock, authority: await gatewayAuthority(rt), sessions: rt.sessions };
}
