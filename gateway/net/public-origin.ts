/**
 * The gateway's public origin. Browsers send it as `Origin` on state-changing requests and upgrades (checked by the
 * origin stage), and the workspace is shown one consistent origin on HTTP and WebSocket alike: `Host` and `Origin`
 * rewritten to it. Jupyter compares the two, names its cookies after the Host, and builds redirects from it; a proxy
 * that rewrote Host for plain HTTP but not for upgrades made it see two origins and refuse one of them.
 */
export interface PublicOrigins {
  /** The origin the workspace sees (`https://hic.example.jp`). */
  canonical: string;
  /** Its host (and port): the `Host` header sent to the workspace. */
  host: string;
  /** Every origin a browser of an analyst may legitimately send. */
  allowed: ReadonlySet<string>;
}

const LOOPBACK_OR_ANY = new Set(['127.0.0.1', '::1', 'localhost', '0.0.0.0', '::']);

function origin(host: string, port: number): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return port === 443 ? `https://${name}` : `https://${name}:${port}`;
}

/**
 * From `server.publicOrigin` when configured (production, behind a name); otherwise the listening address, and its
 * loopback names too when the gateway listens on loopback or on every address (the demo: `localhost`, `127.0.0.1`
 * and `[::1]` reach the same gateway).
 */
export function publicOrigins(server: { host: string; publicOrigin?: string | undefined }, port: number): PublicOrigins {
  if (server.publicOrigin) {
    const url = new URL(server.publicOrigin);
    return { canonical: url.origin, host: url.host, allowed: new Set([url.origin]) };
  }
  const wildcard = server.host === '0.0.0.0' || server.host === '::';
  const canonical = origin(wildcard ? '127.0.0.1' : server.host, port);
  const allowed = new Set([canonical]);
  if (LOOPBACK_OR_ANY.has(server.host)) for (const h of ['localhost', '127.0.0.1', '::1']) allowed.add(origin(h, port));
  return { canonical, host: new URL(canonical).host, allowed };
}
