import { isIP } from 'node:net';
import { HicError } from '../core/errors.js';
import { dayStart, DEFAULT_TIME_ZONE, parseDay, parseLocalDateTime } from '../core/local-time.js';
import { NetworkSet, parseCidr } from '../net/cidr.js';
import type { AllowReason } from '../request-path/decision.js';
import { Needle } from './needle.js';

/**
 * A search of the audit log (LOG-4: by user, project, terminal, address, time; plus event type and decision).
 * Every given condition must hold.
 */
export interface AuditQuery {
  /** The user who acted: `user`, or `by` for staff actions. */
  user?: string;
  project?: string;
  /** Terminal certificate fingerprints or terminal ids (any of them). */
  terminal?: string[];
  /** One address or a CIDR network. */
  address?: string;
  /** ms since the epoch, inclusive. */
  since?: number;
  /** ms since the epoch, exclusive. */
  until?: number;
  /** Security event names (`login-failed`, `alert`, ...) and/or `access` for access records (any of them). */
  event?: string[];
  kind?: 'access' | 'security';
  /** The gateway's decision: access records by reason, security events by kind (see decisionOf). */
  decision?: 'allow' | 'deny';
  /** The decision reason of access records and of events that carry one. */
  reason?: string;
  /** Session id (SHA-256 of the cookie, as logged). */
  session?: string;
  /** Only this instance's chain. */
  instance?: string;
  /** Other top-level fields that must equal these values, e.g. `{ type: 'failed-login-burst' }` for alerts. */
  fields?: Record<string, string | number | boolean | null>;
  /** At most this many results (0 = no limit). */
  limit?: number;
}

/** Every allow reason of the request path: a new one in request-path/decision.ts fails to compile until listed. */
const ALLOW: Record<AllowReason, true> = {
  allowed: true,
  'gateway-page': true,
  'health-check': true,
  'crl-distribution': true,
  'websocket-closed': true,
};
/** Allow reasons of access records; every other access reason is a refusal. */
export const ALLOW_REASONS: ReadonlySet<string> = new Set(Object.keys(ALLOW));
/** Security events that are a decision: logins, staff actions and the refusals around them. */
const ALLOW_EVENTS: ReadonlySet<string> = new Set(['login-success', 'staff-action']);
const DENY_EVENTS: ReadonlySet<string> = new Set([
  'login-failed',
  'account-locked',
  'staff-action-refused',
  'session-terminal-mismatch',
  'transfer-blocked',
  'download-blocked',
  'upload-blocked',
]);

/** The decision an audit line records, if any. */
export function decisionOf(entry: Record<string, unknown>): 'allow' | 'deny' | null {
  if (entry['kind'] === 'access') return ALLOW_REASONS.has(String(entry['reason'])) ? 'allow' : 'deny';
  const event = String(entry['event']);
  return ALLOW_EVENTS.has(event) ? 'allow' : DENY_EVENTS.has(event) ? 'deny' : null;
}

/**
 * A query made fast to evaluate on raw bytes: `needles` are byte strings a matching line must contain (each
 * group: at least one of its alternatives), checked before a line is parsed; `matches` is the exact test on the
 * parsed line. Needles are how a JSON value is written by the audit log (`"user":"u1"`), so a line that lacks
 * them cannot match, and a line that has them by accident (inside another value) is rejected by `matches`.
 */
export interface CompiledQuery {
  query: AuditQuery;
  needles: Needle[][];
  since: Buffer | null;
  until: Buffer | null;
  /**
   * Line endings that rule a line out without parsing it: an access record ends with its reason
   * (server.ts writes it last), so `"reason":"allowed"}` marks an allowed request when refusals are sought.
   */
  rejectEndings: Buffer[];
  matches(entry: Record<string, unknown>): boolean;
}

export function compileQuery(q: AuditQuery): CompiledQuery {
  const needles: Needle[][] = [];
  const tests: ((e: Record<string, unknown>) => boolean)[] = [];
  const pair = (key: string, value: unknown): Needle => new Needle(Buffer.from(`"${key}":${JSON.stringify(value)}`, 'utf8'));
  // The same value under either of two keys: one search for the value as any key's (`":"u1"`), not two.
  const anyKey = (value: unknown): Needle => new Needle(Buffer.from(`":${JSON.stringify(value)}`, 'utf8'));
  if (q.user !== undefined) {
    const u = q.user;
    needles.push([anyKey(u)]);
    tests.push((e) => e['user'] === u || e['by'] === u);
  }
  if (q.project !== undefined) {
    const p = q.project;
    needles.push([pair('project', p)]);
    tests.push((e) => e['project'] === p);
  }
  if (q.terminal !== undefined && q.terminal.length > 0) {
    const set = new Set(q.terminal);
    needles.push(q.terminal.map(anyKey));
    tests.push((e) => set.has(e['terminal'] as string) || set.has(e['terminalId'] as string));
  }
  if (q.address !== undefined) {
    const net = new NetworkSet([q.address]);
    // A single address also matches its IPv4-mapped form ("::ffff:10.0.0.1"): search for the value's end.
    if (isIP(q.address) !== 0) needles.push([new Needle(Buffer.from(`${q.address}"`, 'utf8'))]);
    tests.push((e) => typeof e['address'] === 'string' && net.has(e['address']));
  }
  if (q.event !== undefined && q.event.length > 0) {
    const events = new Set(q.event);
    needles.push(q.event.map((ev) => (ev === 'access' ? pair('kind', 'access') : pair('event', ev))));
    tests.push((e) => (e['kind'] === 'access' ? events.has('access') : events.has(e['event'] as string)));
  }
  if (q.kind !== undefined) {
    const k = q.kind;
    needles.push([pair('kind', k)]);
    tests.push((e) => e['kind'] === k);
  }
  const rejectEndings: Buffer[] = [];
  if (q.decision !== undefined) {
    const d = q.decision;
    tests.push((e) => decisionOf(e) === d);
    // Most lines are allowed requests: looking for refusals, skip them on their last bytes.
    if (d === 'deny') for (const r of ALLOW_REASONS) rejectEndings.push(Buffer.from(`"reason":${JSON.stringify(r)}}`, 'utf8'));
  }
  for (const [key, value] of Object.entries({ reason: q.reason, session: q.session, ...q.fields })) {
    if (value === undefined) continue;
    needles.push([pair(key, value)]);
    tests.push((e) => e[key] === value);
  }
  return {
    query: q,
    needles,
    since: q.since === undefined ? null : Buffer.from(new Date(q.since).toISOString(), 'latin1'),
    until: q.until === undefined ? null : Buffer.from(new Date(q.until).toISOString(), 'latin1'),
    rejectEndings,
    matches: (e) => tests.every((test) => test(e)),
  };
}

/** Raw query input, as a CLI's flags or an API body give it. */
export interface QueryInput {
  [key: string]: unknown;
}

const KNOWN = new Set([
  'user',
  'project',
  'terminal',
  'address',
  'since',
  'until',
  'event',
  'kind',
  'decision',
  'reason',
  'session',
  'instance',
  'field',
  'fields',
  'limit',
]);

/**
 * Validates raw input into an {@link AuditQuery}, collecting every problem into one BAD_REQUEST naming the key.
 * Times: ISO 8601 (a date alone is midnight in Japan time), or relative to `now`: `30m`, `24h`, `7d` ago.
 * `field`: `key=value` strings (the value is a number, true/false/null when it reads as one).
 */
export function parseQuery(input: QueryInput, now: number, zone: string = DEFAULT_TIME_ZONE): AuditQuery {
  const problems: string[] = [];
  const q: AuditQuery = {};
  for (const key of Object.keys(input)) if (!KNOWN.has(key) && input[key] !== undefined) problems.push(`${key}: unknown condition`);
  const str = (key: 'user' | 'project' | 'reason' | 'session' | 'instance'): void => {
    const v = input[key];
    if (v === undefined) return;
    if (typeof v !== 'string' || v === '' || v.length > 256) problems.push(`${key}: a non-empty string`);
    else q[key] = v;
  };
  for (const key of ['user', 'project', 'reason', 'session', 'instance'] as const) str(key);
  const list = (key: 'terminal' | 'event'): void => {
    const v = input[key];
    if (v === undefined) return;
    const items = (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]));
    if (items.length === 0 || items.some((x) => typeof x !== 'string' || x === '')) problems.push(`${key}: one or more non-empty strings`);
    else q[key] = items as string[];
  };
  list('terminal');
  list('event');
  if (input['address'] !== undefined) {
    const a = input['address'];
    if (typeof a !== 'string' || parseCidr(a) === null) problems.push('address: an IP address or CIDR (e.g. 10.0.0.0/24)');
    else q.address = a;
  }
  for (const key of ['since', 'until'] as const) {
    if (input[key] === undefined) continue;
    const t = parseTime(input[key], now, zone);
    if (t === null)
      problems.push(`${key}: an ISO 8601 time (2025-04-01T09:00:00+09:00), a day that exists (YYYY-MM-DD), or 30m / 24h / 7d`);
    else q[key] = t;
  }
  if (q.since !== undefined && q.until !== undefined && q.until <= q.since) problems.push('until: must be after since');
  if (input['kind'] !== undefined) {
    if (input['kind'] !== 'access' && input['kind'] !== 'security') problems.push('kind: access or security');
    else q.kind = input['kind'];
  }
  if (input['decision'] !== undefined) {
    if (input['decision'] !== 'allow' && input['decision'] !== 'deny') problems.push('decision: allow or deny');
    else q.decision = input['decision'];
  }
  const fields = parseFields(input['field'] ?? input['fields'], problems);
  if (fields) q.fields = fields;
  if (input['limit'] !== undefined) {
    const n = typeof input['limit'] === 'string' ? Number(input['limit']) : input['limit'];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) problems.push('limit: a whole number, 0 for no limit');
    else q.limit = n;
  }
  if (problems.length > 0) throw new HicError('BAD_REQUEST', `invalid audit query: ${problems.join('; ')}`);
  return q;
}

function parseFields(v: unknown, problems: string[]): AuditQuery['fields'] | null {
  if (v === undefined) return null;
  const out: NonNullable<AuditQuery['fields']> = {};
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    for (const [k, value] of Object.entries(v)) {
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[k] = value as string;
      else problems.push(`fields.${k}: a string, number, boolean or null`);
    }
    return out;
  }
  for (const item of Array.isArray(v) ? v : [v]) {
    const eq = typeof item === 'string' ? item.indexOf('=') : -1;
    if (eq < 1) {
      problems.push('field: key=value');
      continue;
    }
    const raw = (item as string).slice(eq + 1);
    out[(item as string).slice(0, eq)] = /^(-?\d+(\.\d+)?|true|false|null)$/.test(raw) ? (JSON.parse(raw) as string) : raw;
  }
  return out;
}

/**
 * ISO time, a day (`YYYY-MM-DD`, 00:00 in `zone`: the reviewers work in Japan time while the log is UTC), epoch
 * ms, or `<n>m|h|d` before `now`. A day that does not exist (`2025-02-30`) is refused, not rolled into March.
 */
export function parseTime(v: unknown, now: number, zone: string = DEFAULT_TIME_ZONE): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const rel = /^(\d+)([mhd])$/.exec(v);
  if (rel) return now - Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd'];
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return null;
  if (parseDay(v.slice(0, 10)) === null) return null;
  if (v.length === 10) return dayStart(v, zone);
  // Without an offset the time is a wall-clock time in the zone, never the host's own zone.
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(v)) return parseLocalDateTime(v, zone);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

/** A query as recorded with the read it authorises (LOG-3): times as ISO 8601. */
export function describeQuery(q: AuditQuery): Record<string, unknown> {
  return {
    ...q,
    ...(q.since !== undefined ? { since: new Date(q.since).toISOString() } : {}),
    ...(q.until !== undefined ? { until: new Date(q.until).toISOString() } : {}),
  };
}
