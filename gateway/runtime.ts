import type { HashCost } from './accounts/password-hash.js';
import type { SecretBox } from './accounts/secret-box.js';
import type { GatewayConfig, ProjectConfig } from './config/types.js';
import type { AuditPort } from './core/audit-port.js';
import type { Clock } from './core/clock.js';
import { NetworkSet } from './net/cidr.js';
import { SocketGroups } from './sessions/connection-registry.js';
import { SessionManager } from './sessions/session-manager.js';
import type { Project, Stores } from './stores/types.js';
import { requireWorkspaceProfile } from '../policies/workspace-profile.js';
import { compileWorkspaceRoutes, type WorkspaceRoutes } from './request-path/workspace-routes.js';
import type { HicPolicy } from '../policies/policy.js';
import { raiseAlert } from './alerts/alert.js';
import { SessionVolume } from './alerts/session-volume.js';
import { authorizationValue, readCredential } from './workspace/credential.js';
import { publicOrigins, type PublicOrigins } from './net/public-origin.js';
import { ConfigError } from './config/load.js';
import { HicError } from './core/errors.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { describeChanges, syncConfigProjects } from './projects/config-sync.js';

/**
 * A project compiled once (at start-up and when it changes): the hot path only calls `networks.has`,
 * `routes.*` and `usableAt`.
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
  /** The credential itself, to scrub from the workspace's pages (Jupyter writes its token into every page). */
  upstreamSecret: string | null;
  networks: NetworkSet;
  /** SES-1 polling, DATA-1 routes and WebSocket endpoints of the project's workspace profile. */
  routes: WorkspaceRoutes;
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
  /** The origins browsers use for the gateway, and the one the workspace is shown (set when the server listens). */
  origins: PublicOrigins;
  /** LOG-4: bytes each session moves, alerted past the configured volume. */
  volume: SessionVolume;
  /** The last reload of the project table: a failed one keeps the previous table and says so here (readiness). */
  projectsReload: { ok: boolean; problems: string[]; at: number };
  /** True once shutdown began: readiness answers 503 so that a load balancer stops sending (lifecycle/shutdown.ts). */
  draining: boolean;
  /** Prometheus metrics (`/_hic/metrics`). */
  metrics: GatewayMetrics;
}

export interface RuntimeParts {
  config: GatewayConfig;
  clock: Clock;
  stores: Stores;
  audit: AuditPort;
  secretBox: SecretBox;
  hashCost: HashCost;
  policy: HicPolicy;
  /** Made before the runtime when the audit log and the store report to it; a fresh one otherwise. */
  metrics?: GatewayMetrics;
}

/** The project definitions of the config file, as store records (seeded into the store when absent). */
export function projectFromConfig(p: ProjectConfig, now: number): Project {
  return {
    id: p.id,
    name: p.name ?? p.id,
    upstream: p.upstream,
    networks: p.networks,
    pollingPaths: p.pollingPaths,
    ...(p.profile ? { profile: p.profile } : {}),
    ...(p.credentialFile ? { credentialFile: p.credentialFile } : {}),
    ...(p.workspaceTerminals ? { workspaceTerminals: true } : {}),
    startsAt: null,
    endsAt: null,
    status: 'active',
    createdAt: now,
  };
}

/**
 * Compiles one project. Throws a CONFIG_INVALID error naming the project when its profile is unknown or its
 * credential cannot be read: never a project without rules or without its credential (fail closed).
 */
export function compileProject(p: Project): CompiledProject {
  let profile;
  let upstreamSecret: string | null = null;
  try {
    profile = requireWorkspaceProfile(p.profile ?? 'generic');
    if (profile.credential && !p.credentialFile)
      throw new HicError('CONFIG_INVALID', `profile ${profile.id} needs a credential file (credentialFile)`);
    if (p.credentialFile) upstreamSecret = readCredential(p.credentialFile);
  } catch (err) {
    throw new HicError('CONFIG_INVALID', `project ${p.id}: ${err instanceof HicError ? (err.detail ?? err.message) : String(err)}`);
  }
  return {
    id: p.id,
    name: p.name,
    upstream: p.upstream.replace(/\/$/, ''),
    upstreamAuthorization: upstreamSecret === null ? null : authorizationValue(profile.credential?.scheme ?? 'Bearer', upstreamSecret),
    upstreamSecret,
    networks: new NetworkSet(p.networks),
    routes: compileWorkspaceRoutes(profile, { terminals: p.workspaceTerminals === true, pollingPaths: p.pollingPaths }),
    usableAt: (now) => p.status === 'active' && (p.startsAt === null || now >= p.startsAt) && (p.endsAt === null || now < p.endsAt),
    record: p,
  };
}

/** Compiles every project, collecting every problem instead of stopping at the first. */
function compileAll(projects: Project[], keep: Map<string, CompiledProject>): { table: Map<string, CompiledProject>; problems: string[] } {
  const table = new Map<string, CompiledProject>();
  const problems: string[] = [];
  for (const p of projects) {
    try {
      table.set(p.id, compileProject(p));
    } catch (err) {
      problems.push(err instanceof HicError ? (err.detail ?? err.message) : String(err));
      const previous = keep.get(p.id);
      if (previous) table.set(p.id, previous);
    }
  }
  return { table, problems };
}

/**
 * Loads every project from the store (seeding the config's projects when absent) and swaps the compiled table in
 * with one assignment, so a request never sees a half-built table. At start-up any problem stops the gateway
 * (every problem named).
 */
export async function loadProjects(rt: Runtime): Promise<void> {
  // The config file is the source of truth for the projects it lists: a changed entry is applied, and said.
  for (const line of describeChanges(await syncConfigProjects(rt, rt.config.projects, projectFromConfig)))
    process.stderr.write(`${line}\n`);
  const { table, problems } = compileAll(await rt.stores.projects.list(), new Map());
  if (problems.length > 0) throw new ConfigError(problems);
  rt.projects = table;
  rt.projectsReload = { ok: true, problems: [], at: rt.clock.now() };
}

/**
 * A reload while serving (another instance changed a project, or pub/sub news may have been lost). A project that
 * no longer compiles keeps its last good state; the failure is logged, alerted and shown by readiness until a
 * later reload succeeds. A store that cannot be read keeps the whole table.
 */
async function reloadProjects(rt: Runtime, only?: string): Promise<void> {
  let problems: string[];
  try {
    if (only === undefined) {
      const result = compileAll(await rt.stores.projects.list(), rt.projects);
      rt.projects = result.table;
      problems = result.problems;
    } else {
      const p = await rt.stores.projects.get(only);
      const next = new Map(rt.projects);
      const result = compileAll(p ? [p] : [], rt.projects);
      if (p && result.table.has(only)) next.set(only, result.table.get(only)!);
      if (!p) next.delete(only);
      rt.projects = next;
      problems = result.problems;
    }
  } catch (err) {
    problems = [`projects could not be read from the store: ${String(err)}`];
  }
  rt.projectsReload = { ok: problems.length === 0, problems, at: rt.clock.now() };
  if (problems.length > 0) {
    process.emitWarning(`hic: project reload failed, last good state kept: ${problems.join('; ')}`);
    void raiseAlert(rt, {
      type: 'config-reload-failed',
      summary: `project reload failed, last good state kept: ${problems.join('; ')}`,
      project: only ?? null,
    });
  }
}

export function createRuntime(parts: RuntimeParts): Runtime {
  const { config, clock, stores, audit } = parts;
  const sessions = new SessionManager(stores, clock, audit, config.session);
  const connections = new SocketGroups();
  const metrics = parts.metrics ?? new GatewayMetrics();
  metrics.sources.openWebSockets = () => sessions.socketsBySession.all().size;
  metrics.sources.cachedSessions = () => sessions.cachedCount;
  metrics.sources.storeUp = () => stores.healthy();
  const rt: Runtime = {
    ...parts,
    metrics,
    projects: new Map(),
    verdictGeneration: 0,
    draining: false,
    trustedProxies: new NetworkSet(config.server.trustedProxies),
    staffNetworks: new NetworkSet(config.server.staffNetworks),
    sessions,
    connections,
    origins: publicOrigins(config.server, config.server.port),
    volume: new SessionVolume(config.alerts.sessionVolume, clock, (alert) => void raiseAlert({ audit }, alert)),
    projectsReload: { ok: true, problems: [], at: clock.now() },
  };
  stores.events.subscribe((event) => {
    sessions.onEvent(event);
    if (event.type === 'terminal-revoked') connections.destroy(event.fingerprint);
    if (event.type === 'project-changed') void reloadProjects(rt, event.project);
    if (event.type === 'resync') {
      rt.verdictGeneration += 1;
      // The store may have come back empty (a Redis restarted without persistence): the config file's projects are
      // put back first, as at start, so they never vanish from the table (one source of truth).
      void syncConfigProjects(rt, rt.config.projects, projectFromConfig)
        .then((applied) => describeChanges(applied).forEach((line) => process.stderr.write(`${line}\n`)))
        .catch(() => {})
        .then(() => reloadProjects(rt));
    }
  });
  return rt;
}
