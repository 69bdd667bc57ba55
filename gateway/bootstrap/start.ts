import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadDefaultPolicy } from '../../policies/policy.js';
import { DEFAULT_COST, type HashCost } from '../accounts/password-hash.js';
import { SecretBox } from '../accounts/secret-box.js';
import type { GatewayConfig } from '../config/types.js';
import type { AuditPort } from '../core/audit-port.js';
import { type Clock, systemClock } from '../core/clock.js';
import { GatewayMetrics } from '../metrics/gateway-metrics.js';
import { ConnectionTracker } from '../lifecycle/connection-tracker.js';
import { shutdownGateway, type ShutdownReport } from '../lifecycle/shutdown.js';
import { createRuntime, loadProjects, type Runtime } from '../runtime.js';
import { buildServer } from '../server.js';
import { publicOrigins } from '../net/public-origin.js';
import { openStores } from '../stores/index.js';
import type { Stores } from '../stores/types.js';
import { openGatewayAudit } from './audit.js';
import { transferContext } from '../transfers/context.js';
import { startTransferMaintenance } from '../transfers/maintenance.js';

export interface StartOptions {
  config: GatewayConfig;
  clock?: Clock;
  /** Given by tests that share one store between gateways; otherwise opened from the config. */
  stores?: Stores;
  audit?: AuditPort;
  hashCost?: HashCost;
}

export interface RunningGateway {
  app: FastifyInstance;
  rt: Runtime;
  url: string;
  port: number;
  /**
   * Graceful shutdown: drains (in-flight requests finish, WebSockets get 1001) for at most `timeoutMs` (default
   * `server.shutdownTimeoutSeconds`) minus the flush reserve, then flushes the audit log and closes the store.
   */
  close(timeoutMs?: number): Promise<ShutdownReport>;
}

/** Where the TOTP key lives unless the config names it: next to the audit dir's parent (the state dir). */
export function defaultSecretsFile(config: GatewayConfig): string {
  return config.secrets.totpKeyFile ?? join(config.stateDir ?? dirname(config.audit.dir), 'secrets', 'totp.key');
}

/** The gateway's URL for a host and port (IPv6 literals in brackets). */
export function gatewayUrl(host: string, port: number): string {
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Opens stores and audit, builds the server and listens. `close()` drains: audit flushed, store closed. */
export async function startGateway(opts: StartOptions): Promise<RunningGateway> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const instanceId = config.audit.instanceId ?? `${hostname()}-${process.pid}`;
  const metrics = new GatewayMetrics();
  const stores = opts.stores ?? (await openStores(config.store, clock, { onError: () => metrics.storeError() }));
  const audit = opts.audit ?? (await openGatewayAudit(config, clock, instanceId, stores, metrics));
  const secretsFile = defaultSecretsFile(config);
  mkdirSync(dirname(secretsFile), { recursive: true, mode: 0o700 });
  const secretBox = await SecretBox.loadOrCreate(secretsFile);
  const rt = createRuntime({
    config,
    clock,
    stores,
    audit,
    secretBox,
    hashCost: opts.hashCost ?? DEFAULT_COST,
    policy: loadDefaultPolicy(),
    metrics,
  });
  await loadProjects(rt);
  const app = await buildServer(rt, {
    cert: readFileSync(config.tls.certFile, 'utf8'),
    key: readFileSync(config.tls.keyFile, 'utf8'),
    ca: readFileSync(config.tls.caFile, 'utf8'),
  });
  // Before listening, so that no connection escapes it (shutdown must see every one).
  const tracker = new ConnectionTracker(app.server as unknown as import('node:https').Server);
  await app.listen({ host: config.server.host, port: config.server.port });
  const stopTransfers = startTransferMaintenance(() => transferContext(rt));
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  // Before the first request can arrive (this runs in the same turn as listen's callback).
  rt.origins = publicOrigins(config.server, port);
  return {
    app,
    rt,
    url: gatewayUrl(config.server.host, port),
    port,
    close: (timeoutMs = config.server.shutdownTimeoutSeconds * 1000) => {
      stopTransfers();
      return shutdownGateway({ app, rt, tracker, closeStores: opts.stores ? null : () => stores.close() }, timeoutMs);
    },
  };
}
