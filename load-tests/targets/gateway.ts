import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGateway } from '../../gateway/bootstrap/start.js';
import { validateConfig } from '../../gateway/config/load.js';
import type { TlsFiles } from '../pki.js';
import type { RunningTarget } from './types.js';

/** The project every bench terminal and user belongs to. */
export const BENCH_PROJECT = 'bench';

/** Where the bench gateway finds its upstream, TLS files, Redis and state. */
export interface BenchGatewaySettings {
  upstream: string;
  tls: TlsFiles;
  redisUrl: string;
  /** A key prefix of the run's own: deleted afterwards (never FLUSHALL). */
  prefix: string;
  /** Audit dir and TOTP key live here; the seeding (load-tests/seed.ts) opens the same key file. */
  stateDir: string;
  port?: number;
}

/**
 * The raw config of the bench gateway: production mode, Redis store, audit on, production session settings, the
 * demo workspace profile (download/upload rules).
 * Also written to a file for the cluster measurement (`hic start --config … --workers N`).
 */
export function benchGatewayConfig(s: BenchGatewaySettings): Record<string, unknown> {
  return {
    mode: 'production',
    stateDir: s.stateDir,
    server: { host: '127.0.0.1', port: s.port ?? 0, staffNetworks: [] },
    tls: { ...s.tls, minVersion: 'TLSv1.2' },
    store: { kind: 'redis', url: s.redisUrl, prefix: s.prefix },
    session: {},
    secrets: { totpKeyFile: totpKeyFile(s.stateDir) },
    audit: { dir: join(s.stateDir, 'audit') },
    // The demo workspace profile: the DATA-1 route rules are checked on every request too ("every check on"), and
    // the workspace credential is injected (the bench upstream ignores it; the bare proxy's upstream is the same).
    projects: [
      {
        id: BENCH_PROJECT,
        upstream: s.upstream,
        networks: ['127.0.0.0/8'],
        pollingPaths: ['/api/status'],
        profile: 'demo',
        credentialFile: benchCredentialFile(s.stateDir),
      },
    ],
  };
}

/** The bench project's workspace credential (mode 0600), made once per state dir. */
export function benchCredentialFile(stateDir: string): string {
  const file = join(stateDir, 'secrets', 'workspace.token');
  if (!existsSync(file)) {
    mkdirSync(join(stateDir, 'secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });
  }
  return file;
}

/** The TOTP key file of a bench state dir (the gateway and the seeding must use the same key). */
export function totpKeyFile(stateDir: string): string {
  return join(stateDir, 'secrets', 'totp.key');
}

/** The full gateway, every check on, started exactly as `hic start` does (startGateway, production argon2 cost). */
export async function startBenchGateway(s: BenchGatewaySettings): Promise<RunningTarget> {
  const config = validateConfig({
    ...benchGatewayConfig(s),
    audit: { dir: join(s.stateDir, 'audit'), instanceId: `bench-${process.pid}` },
  });
  const gw = await startGateway({ config });
  return { url: gw.url, close: async () => void (await gw.close()) };
}
