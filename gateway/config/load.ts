import { existsSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { loadWorkspaceProfiles } from '../../policies/workspace-profile.js';
import { parseCidr } from '../net/cidr.js';
import { configSchema } from './schema.js';
import type { GatewayConfig, StoreConfig } from './types.js';

/** Thrown when the configuration is unusable; `problems` names every key at fault. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
ajv.addFormat('cidr', { type: 'string', validate: (s: string) => parseCidr(s) !== null });
const validate = ajv.compile(configSchema);

/**
 * Environment overrides, so that containers and CI need no file edits. Only these names are read; each
 * maps to one key.
 */
type RawConfig = Record<string, unknown>;
/** A section of the raw file as an object to extend (a section that is not one is left to the schema to name). */
const section = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const envOverrides: Array<[string, (cfg: RawConfig, value: string) => void]> = [
  [
    'REDIS_URL',
    (c, v) => {
      c.store = { ...section(c.store), kind: 'redis', url: v };
    },
  ],
  [
    'HIC_STORE_PREFIX',
    (c, v) => {
      c.store = { ...section(c.store), prefix: v };
    },
  ],
  [
    'HIC_HOST',
    (c, v) => {
      c.server = { ...section(c.server), host: v };
    },
  ],
  [
    'HIC_PORT',
    (c, v) => {
      c.server = { ...section(c.server), port: Number.isInteger(Number(v)) ? Number(v) : v };
    },
  ],
  [
    'HIC_TRUSTED_PROXIES',
    (c, v) => {
      c.server = {
        ...section(c.server),
        trustedProxies: v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    },
  ],
  [
    'HIC_AUDIT_DIR',
    (c, v) => {
      c.audit = { ...section(c.audit), dir: v };
    },
  ],
  [
    'HIC_INSTANCE_ID',
    (c, v) => {
      c.audit = { ...section(c.audit), instanceId: v };
    },
  ],
];

/** A key as the file spells it, quoted when it is empty or has characters a reader could not see or tell apart. */
function keyName(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
}

/** Keys an operator may try for Redis passwords: refused with a pointer to the file settings (never echoed). */
const PLAIN_PASSWORDS = new Set(['password', 'sentinelPassword']);

function describe(err: ErrorObject): string {
  const key = err.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)';
  if (err.keyword === 'required') return `${key === '(root)' ? '' : key + '.'}${String(err.params.missingProperty)}: is required`;
  if (err.keyword === 'additionalProperties' && key === 'store' && PLAIN_PASSWORDS.has(String(err.params.additionalProperty))) {
    const name = String(err.params.additionalProperty);
    return `store.${name}: passwords are not written in the configuration; put it in a file readable by its owner only (chmod 600) and name the file in store.${name}File`;
  }
  if (err.keyword === 'additionalProperties')
    return `${key === '(root)' ? '' : key + '.'}${keyName(String(err.params.additionalProperty))}: is not a known setting`;
  if (err.keyword === 'format') return `${key}: is not a valid ${String(err.params.format)} (e.g. 10.0.0.0/8)`;
  if (err.keyword === 'enum') return `${key}: must be one of ${(err.params.allowedValues as unknown[]).join(', ')}`;
  return `${key}: ${err.message ?? 'is invalid'}`;
}

/** Validates a raw object (file contents after env overrides) and returns the typed config or throws ConfigError. */
export function validateConfig(raw: unknown, opts: { checkFiles?: boolean } = {}): GatewayConfig {
  const data = structuredClone(raw);
  const problems: string[] = [];
  if (!validate(data)) problems.push(...(validate.errors ?? []).map(describe));
  if (problems.length === 0) {
    const cfg = data as GatewayConfig;
    problems.push(...storeProblems(cfg.store, opts.checkFiles !== false));
    if (cfg.store.kind === 'memory' && cfg.mode === 'production' && !cfg.store.allowMemory) {
      problems.push('store.kind: memory is refused in production (sessions would not be shared); use redis or set store.allowMemory');
    }
    const zone = cfg.alerts.businessHours.timezone;
    if (!isTimeZone(zone)) problems.push(`alerts.businessHours.timezone: unknown time zone "${zone}" (e.g. Asia/Tokyo)`);
    if (cfg.server.headersTimeoutSeconds > cfg.server.requestTimeoutSeconds) {
      problems.push(`server.headersTimeoutSeconds: must not exceed server.requestTimeoutSeconds (${cfg.server.requestTimeoutSeconds})`);
    }
    if (!isTimeZone(cfg.pages.timezone)) problems.push(`pages.timezone: unknown time zone "${cfg.pages.timezone}" (e.g. Asia/Tokyo)`);
    const profiles = loadWorkspaceProfiles();
    cfg.projects.forEach((p, i) => {
      if (p.profile !== undefined && !profiles.has(p.profile))
        problems.push(`projects.${i}.profile: unknown workspace profile "${p.profile}" (known: ${[...profiles.keys()].join(', ')})`);
    });
    const seen = new Set<string>();
    cfg.projects.forEach((p, i) => {
      if (seen.has(p.id)) problems.push(`projects.${i}.id: duplicate project id "${p.id}"`);
      seen.add(p.id);
    });
    const clamd = cfg.transfers.clamd;
    if (clamd && !clamd.socket && !clamd.host) problems.push('transfers.clamd: needs socket (a unix socket path) or host');
    if (opts.checkFiles !== false) {
      for (const key of ['certFile', 'keyFile', 'caFile'] as const) {
        if (!existsSync(cfg.tls[key])) problems.push(`tls.${key}: file not found: ${cfg.tls[key]}`);
      }
      const areas = cfg.transfers.areaPopulationFile;
      if (areas !== undefined && !existsSync(areas)) problems.push(`transfers.areaPopulationFile: file not found: ${areas}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return data as GatewayConfig;
}

/**
 * The store section beyond its schema: a Redis store is reached in exactly one way (url, sentinels with
 * sentinelName, or cluster), the Sentinel-only keys come with sentinels, ports are ports, and the password and CA
 * files exist. A file's contents are never put in a message.
 */
function storeProblems(store: StoreConfig, checkFiles: boolean): string[] {
  const problems: string[] = [];
  if (store.kind !== 'redis') return problems;
  const ways = (['url', 'sentinels', 'cluster'] as const).filter((k) => store[k] !== undefined);
  if (ways.length === 0) problems.push('store: kind redis needs one of url (or REDIS_URL), sentinels (with sentinelName) or cluster');
  if (ways.length > 1) problems.push(`store: ${ways.join(' and ')} are alternatives; give exactly one of url, sentinels, cluster`);
  if (store.sentinels !== undefined && store.sentinelName === undefined)
    problems.push('store.sentinelName: is required with store.sentinels (the name the sentinels monitor)');
  for (const key of ['sentinelName', 'sentinelPasswordFile'] as const) {
    if (store[key] !== undefined && store.sentinels === undefined) problems.push(`store.${key}: only applies with store.sentinels`);
  }
  for (const key of ['sentinels', 'cluster'] as const) {
    (store[key] ?? []).forEach((node, i) => {
      const port = Number(node.slice(node.lastIndexOf(':') + 1));
      if (port < 1 || port > 65535) problems.push(`store.${key}.${i}: port out of range in "${node}" (1-65535)`);
    });
  }
  if (checkFiles) {
    const files: Array<[string, string | undefined]> = [
      ['passwordFile', store.passwordFile],
      ['sentinelPasswordFile', store.sentinelPasswordFile],
      ['tls.caFile', typeof store.tls === 'object' ? store.tls.caFile : undefined],
    ];
    for (const [key, file] of files) if (file !== undefined && !existsSync(file)) problems.push(`store.${key}: file not found: ${file}`);
  }
  return problems;
}

/** Whether Intl knows an IANA time zone name (LOG-4 business hours). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Reads a YAML or JSON file, applies the environment overrides and validates. */
export function loadConfig(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  base: Record<string, unknown> = {},
): GatewayConfig {
  let raw: RawConfig = structuredClone(base);
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError([`(file): cannot read ${file}: ${(err as Error).message}`]);
    }
    try {
      const parsed = parseYaml(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('top level must be a mapping');
      raw = { ...raw, ...(parsed as Record<string, unknown>) };
    } catch (err) {
      throw new ConfigError([`(file): ${file} is not valid YAML/JSON: ${(err as Error).message}`]);
    }
  }
  for (const [name, apply] of envOverrides) {
    const value = env[name];
    if (value !== undefined && value !== '') apply(raw, value);
  }
  return validateConfig(raw);
}
