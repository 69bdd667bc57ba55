import type { HashCost } from './accounts/password-hash.js';
import type { SecretBox } from './accounts/secret-box.js';
import type { GatewayConfig, ProjectConfig } from './config/types.js';
import type { AuditPort } from './core/audit-port.js';
import type { Clock } from './core/clock.js';
import { NetworkSet } from './net/cidr.js';
import { SocketGroups } from './sessions/connection-registry.js';
import { SessionManager } from './sessions/session-manager.js';
import type { Stores } from './stores/types.js';
import type { HicPolicy } from '../policies/policy.js';

/** A project compiled once at start-up: the hot path only calls `networks.has` and `isPolling`. */
export interface CompiledProject {
  id: string;
  name: string;
  upstream: string;
  networks: NetworkSet;
  isPolling(path: string): boolean;
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

export function compileProject(p: ProjectConfig): CompiledProject {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of p.pollingPaths) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return {
    id: p.id,
    name: p.name ?? p.id,
    upstream: p.upstream.replace(/\/$/, ''),
    networks: new NetworkSet(p.networks),
    isPolling: (path) => exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix)),
  };
}

export function createRuntime(parts: RuntimeParts): Runtime {
  const { config, clock, stores, audit } = parts;
  const sessions = new SessionManager(stores, clock, audit, config.session);
  const connections = new SocketGroups();
  const rt: Runtime = {
    ...parts,
    projects: new Map(config.projects.map((p) => [p.id, compileProject(p)])),
    trustedProxies: new NetworkSet(config.server.trustedProxies),
    staffNetworks: new NetworkSet(config.server.staffNetworks),
    sessions,
    connections,
  };
  stores.events.subscribe((event) => {
    sessions.onEvent(event);
    if (event.type === 'terminal-revoked') connections.destroy(event.fingerprint);
  });
  return rt;
}
