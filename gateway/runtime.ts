import type { HashCost } from './accounts/password-hash.js';
import type { SecretBox } from './accounts/secret-box.js';
import type { GatewayConfig, ProjectConfig } from './config/types.js';
import type { AuditPort } from './core/audit-port.js';
import type { Clock } from './core/clock.js';
import { NetworkSet } from './net/cidr.js';
import { SocketGroups } from './sessions/connection-registry.js';
import { SessionManager } from './sessions/session-manager.js';
import type { Project, Stores } from './stores/types.js';
import { loadWorkspaceProfiles } from '../policies/workspace-profile.js';
import { compileTransferRules, type TransferRules } from './request-path/transfer.js';
import type { HicPolicy } from '../policies/policy.js';

/**
 * A project compiled once (at start-up and when it changes): the hot path only calls `networks.has`,
 * `isPolling` and `usableAt`.
 */
export interface CompiledProject {
  id: string;
  name: string;
  upstream: string;
  /**
   * The `Authorization` header value the gateway sends to the workspace on every forwarded request and upgrade
   * (the project's upstream credential, read from the file the project names; null when the workspace takes none).
   * Only the gateway holds it: clients never see it, and what they send under that name is dropped.
   */
  upstreamAuthorization: string | null;
  networks: NetworkSet;
  isPolling(path: string): boolean;
  /** DATA-1: the download/upload routes of the project's workspace profile. */
  transfer: TransferRules;
  /** AC-3 / SES-4: inside the usage period and not ended. */
  usableAt(now: number): boolean;
  record: Project;
}

/** Everything the request path and the handlers share: config compiled into lookups, stores, clock, audit. */
export interface Runtime {
  config: GatewayConfig;
  clock: Clock;
  stores: Stores;
  audit: AuditPort;
  projects: Map<string, CompiledProject>;
  trustedProxies: NetworkSet;
  /** Networks of staff terminals (terminals assigned to no project). */
  staffNetworks: NetworkSet;
  sessions: SessionManager;
  /** Open TLS connections by terminal certificate fingerprint, cut on revocation. */
  connections: SocketGroups;
  /** Bumped when revocation news may have been lost: cached terminal verdicts of open connections are re-checked. */
  verdictGeneration: number;
  /** Seals TOTP secrets at rest (AUTH-6). */
  secretBox: SecretBox;
  /** argon2id cost for new hashes (tests use a cheap one). */
  hashCost: HashCost;
  policy: HicPolicy;
}

export interface RuntimeParts {
  config: GatewayConfig;
  clock: Clock;
  stores: Stores;
  audit: AuditPort;
  secretBox: SecretBox;
  hashCost: HashCost;
  policy: HicPolicy;
}

/** The project definitions of the config file, as store records (seeded into the store when absent). */
export function projectFromConfig(p: ProjectConfig, now: number): Project {
  return {
    id: p.id, name: p.name ?? p.id, upstream: p.upstream, networks: p.networks, pollingPaths: p.pollingPaths,
    ...(p.profile ? { profile: p.profile } : {}), startsAt: null, endsAt: null, status: 'active', createdAt: now,
  };
}

export function compileProject(p: Project): CompiledProject {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const profile = p.profile ? loadWorkspaceProfiles().get(p.profile) : undefined;
  for (const pattern of [...p.pollingPaths, ...(profile?.polling ?? [])]) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return {
    id: p.id,
    name: p.name,
    upstream: p.upstream.replace(/\/$/, ''),
    upstreamAuthorization: null,
    networks: new NetworkSet(p.networks),
    isPolling: (path) => exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix)),
    transfer: compileTransferRules(profile),
    usableAt: (now) => p.status === 'active' && (p.startsAt === null || now >= p.startsAt) && (p.endsAt === null || now < p.endsAt),
    record: p,
  };
}

/**
 * Loads every project from the store (seeding the config's projects when absent) and swaps the compiled table in
 * with one assignment, so a request never sees a half-built table.
 */
export async function loadProjects(rt: Runtime): Promise<void> {
  for (const p of rt.config.projects) await rt.stores.projects.create(projectFromConfig(p, rt.clock.now()));
  const all = await rt.stores.projects.list();
  rt.projects = new Map(all.map((p) => [p.id, compileProject(p)]));
}

async function reloadProject(rt: Runtime, id: string): Promise<void> {
  const p = await rt.stores.projects.get(id);
  const next = new Map(rt.projects);
  if (p) next.set(id, compileProject(p));
  else next.delete(id);
  rt.projects = next;
}

export function createRuntime(parts: RuntimeParts): Runtime {
  const { config, clock, stores, audit } = parts;
  const sessions = new SessionManager(stores, clock, audit, config.session);
  const connections = new SocketGroups();
  const rt: Runtime = {
    ...parts,
    projects: new Map(),
    verdictGeneration: 0,
    trustedProxies: new NetworkSet(config.server.trustedProxies),
    staffNetworks: new NetworkSet(config.server.staffNetworks),
    sessions,
    connections,
  };
  stores.events.subscribe((event) => {
    sessions.onEvent(event);
    if (event.type === 'terminal-revoked') connections.destroy(event.fingerprint);
    if (event.type === 'project-changed') reloadProject(rt, event.project).catch(() => {});
    if (event.type === 'resync') {
      rt.verdictGeneration += 1;
      loadProjects(rt).catch(() => {});
    }
  });
  return rt;
}
