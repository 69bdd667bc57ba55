import { existsSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_COST, type HashCost } from '../accounts/password-hash.js';
import { SecretBox } from '../accounts/secret-box.js';
import { loadOrCreateSigningKey, openAuditLog } from '../audit/index.js';
import type { AuditPort } from '../core/audit-port.js';
import { type Clock, systemClock } from '../core/clock.js';
import { HicError } from '../core/errors.js';
import { loadConfig } from '../config/load.js';
import type { StoreConfig } from '../config/types.js';
import { createMemoryStores } from '../stores/memory/index.js';
import { openStores } from '../stores/index.js';
import { loadDefaultPolicy, type HicPolicy } from '../../policies/policy.js';
import { SessionEnder } from '../sessions/session-ender.js';
import type { Stores } from '../stores/types.js';
import { stateDir } from './command.js';

/** What a CLI command works with: the state dir, the shared store, the audit log (every staff action is recorded). */
export interface CliContext {
  home: string;
  stores: Stores;
  audit: AuditPort;
  clock: Clock;
  secretBox: SecretBox;
  hashCost: HashCost;
  policy: HicPolicy;
  /** Ends sessions on every gateway instance (through the store's pub/sub). */
  sessions: SessionEnder;
  /** The operator running the command, for the audit record (HIC_OPERATOR, else the OS user). */
  operator: string;
  close(): Promise<void>;
}

/**
 * The store the CLI opens: the `store` section of the gateways' own config file when HIC_CONFIG names one (the way
 * to reach Redis Sentinel or Cluster, with the same password files), else REDIS_URL (+ HIC_STORE_PREFIX), else none.
 */
export function cliStoreConfig(env: NodeJS.ProcessEnv = process.env): StoreConfig | null {
  if (env.HIC_CONFIG) {
    const store = loadConfig(env.HIC_CONFIG, env).store;
    return store.kind === 'redis' ? store : null;
  }
  if (env.REDIS_URL) return { kind: 'redis', url: env.REDIS_URL, prefix: env.HIC_STORE_PREFIX ?? 'hic:', allowMemory: false };
  return null;
}

/**
 * Opens the store the gateways use (cliStoreConfig: the CLI must see the gateways' state; the memory store is only
 * useful for commands that do not need shared state) and this host's CLI audit chain.
 */
export async function openCliContext(opts: { needsStore?: boolean } = {}): Promise<CliContext> {
  const home = resolve(stateDir());
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const clock = systemClock;
  const store = cliStoreConfig();
  if (opts.needsStore !== false && !store) {
    throw new HicError(
      'CONFIG_INVALID',
      'no store: the CLI needs the shared store the gateways use: REDIS_URL=redis://127.0.0.1:6379, or HIC_CONFIG=/etc/hic/gateway.yaml for its store section (Sentinel, Cluster)',
    );
  }
  const stores = store ? await openStores(store, clock) : createMemoryStores(clock);
  const auditDir = process.env.HIC_AUDIT_DIR ?? join(home, 'audit');
  const keys = await loadOrCreateSigningKey(join(auditDir, 'keys'));
  const log = await openWithRetry(auditDir, keys.privateKey, clock);
  const secretsFile = join(home, 'secrets', 'totp.key');
  if (!existsSync(join(home, 'secrets'))) mkdirSync(join(home, 'secrets'), { recursive: true, mode: 0o700 });
  const secretBox = await SecretBox.loadOrCreate(secretsFile);
  const audit: AuditPort = {
    access: (r) => log.access(r),
    security: (e) => log.security({ ...e, via: 'cli' }),
    securityLater: (e) => void log.security({ ...e, via: 'cli' }).catch(() => {}),
    flush: () => log.flush(),
    close: () => log.close(),
  };
  const policy = loadDefaultPolicy();
  const sessions = new SessionEnder(stores, clock, audit);
  return {
    home,
    stores,
    audit,
    clock,
    secretBox,
    policy,
    sessions,
    hashCost: DEFAULT_COST,
    operator: process.env.HIC_OPERATOR ?? process.env.USER ?? 'operator',
    close: async () => {
      await log.close();
      await stores.close();
    },
  };
}

/** One chain per host for CLI runs; a concurrent run waits for the lock briefly instead of forking the chain. */
async function openWithRetry(dir: string, signingKey: import('node:crypto').KeyObject, clock: Clock) {
  const instanceId = `cli-${hostname()}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  for (let attempt = 0; ; attempt++) {
    try {
      return await openAuditLog({ dir, instanceId, signingKey, clock });
    } catch (err) {
      if (attempt >= 50 || !(err instanceof HicError) || !/is open in process/.test(err.message)) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
