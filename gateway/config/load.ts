import { existsSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { loadWorkspaceProfiles } from '../../policies/workspace-profile.js';
import { parseCidr } from '../net/cidr.js';
import { configSchema } from './schema.js';
import type { GatewayConfig } from './types.js';

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
const envOverrides: Array<[string, (cfg: Record<string, any>, value: string) => void]> = [
  ['REDIS_URL', (c, v) => { c.store = { ...c.store, kind: 'redis', url: v }; }],
  ['HIC_STORE_PREFIX', (c, v) => { c.store = { ...c.store, prefix: v }; }],
  ['HIC_HOST', (c, v) => { c.server = { ...c.server, host: v }; }],
  ['HIC_PORT', (c, v) => { c.server = { ...c.server, port: Number.isInteger(Number(v)) ? Number(v) : v }; }],
  ['HIC_TRUSTED_PROXIES', (c, v) => { c.server = { ...c.server, trustedProxies: v.split(',').map((s) => s.trim()).filter(Boolean) }; }],
  ['HIC_AUDIT_DIR', (c, v) => { c.audit = { ...c.audit, dir: v }; }],
  ['HIC_INSTANCE_ID', (c, v) => { c.audit = { ...c.audit, instanceId: v }; }],
];

/** A key as the file spells it, quoted when it is empty or has characters a reader could not see or tell apart. */
function keyName(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
}

function describe(err: ErrorObject): string {
  const key = err.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)';
  if (err.keyword === 'required') return `${key === '(root)' ? '' : key + '.'}${String(err.params.missingProperty)}: is required`;
  if (err.keyword === 'additionalProperties') return `${key === '(root)' ? '' : key + '.'}${keyName(String(err.params.additionalProperty))}: is not a known setting`;
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
    if (cfg.store.kind === 'redis' && !cfg.store.url) problems.push('store.url: is required when store.kind is redis (or set REDIS_URL)');
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
      if (p.profile !== undefined && !profiles.has(p.profile)) problems.push(`projects.${i}.profile: unknown workspace profile "${p.profile}" (known: ${[...profiles.keys()].join(', ')})`);
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
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env, base: Record<string, unknown> = {}): GatewayConfig {
  let raw: Record<string, any> = structuredClone(base) as Record<string, any>;
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
