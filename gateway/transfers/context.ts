import { dirname, join } from 'node:path';
import type { TransfersConfig } from '../config/types.js';
import type { AuditPort } from '../core/audit-port.js';
import type { Clock } from '../core/clock.js';
import { compileProject, type Runtime } from '../runtime.js';
import type { Stores } from '../stores/types.js';
import { loadPopulations } from './populations.js';
import { Quarantine } from './quarantine.js';
import { ClamdScanner, type Scanner } from './scanner.js';
import type { WorkspaceTarget } from './workspace-client.js';

/** What the transfer services need; made from the gateway's runtime or from the CLI's context. */
export interface TransferContext {
  stores: Stores;
  audit: AuditPort;
  clock: Clock;
  settings: TransfersConfig;
  quarantine: Quarantine;
  populations: ReadonlyMap<string, number>;
  /** The project's workspace (base URL and credential), or null when the project is unknown. */
  target(project: string): Promise<WorkspaceTarget | null>;
  /** The virus scanner for imports; null when none is configured (imports then wait: never placed unscanned). */
  scanner: Scanner | null;
}

/** The defaults of the config schema, for contexts made without a config file (the CLI). */
export const DEFAULT_TRANSFERS: TransfersConfig = {
  maxBytes: 50 * 1024 * 1024,
  maxDownloads: 3,
  validityDays: 7,
  retentionDays: 30,
  allowExtensions: [],
  maxUnpackedBytes: 512 * 1024 * 1024,
};

const contexts = new WeakMap<Runtime, TransferContext>();

/** The gateway's transfer context (one per runtime: the quarantine dir is made once). */
export function transferContext(rt: Runtime): TransferContext {
  let tc = contexts.get(rt);
  if (!tc) {
    const settings = rt.config.transfers ?? DEFAULT_TRANSFERS;
    const home = rt.config.stateDir ?? dirname(rt.config.audit.dir);
    tc = {
      stores: rt.stores,
      audit: rt.audit,
      clock: rt.clock,
      settings,
      quarantine: new Quarantine(settings.quarantineDir ?? join(home, 'quarantine')),
      populations: loadPopulations(settings.areaPopulationFile),
      target: async (id) => rt.projects.get(id) ?? null,
      scanner: settings.clamd ? new ClamdScanner(settings.clamd) : null,
    };
    contexts.set(rt, tc);
  }
  return tc;
}

/** A context for the CLI: the shared store, the quarantine under the state dir (or HIC_QUARANTINE_DIR). */
export function cliTransferContext(parts: { stores: Stores; audit: AuditPort; clock: Clock; home: string }): TransferContext {
  const settings = { ...DEFAULT_TRANSFERS, ...(process.env.HIC_QUARANTINE_DIR ? { quarantineDir: process.env.HIC_QUARANTINE_DIR } : {}) };
  return {
    ...parts,
    settings,
    quarantine: new Quarantine(settings.quarantineDir ?? join(parts.home, 'quarantine')),
    populations: new Map(),
    target: async (id) => {
      const p = await parts.stores.projects.get(id);
      return p ? compileProject(p) : null;
    },
    scanner: null,
  };
}
