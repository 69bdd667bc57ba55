import { join, resolve } from 'node:path';
import { parseQuery, type AuditQuery } from '../audit-review/query.js';
export { describeQuery } from '../audit-review/query.js';
import { cliTimeZone } from '../core/local-time.js';
import { stateDir, UsageError } from './command.js';
import { openCliContext, type CliContext } from './context.js';

/**
 * The audit dir a command reads: the positional argument, else HIC_AUDIT_DIR, else `<state dir>/audit`. Reading
 * is restricted by the file system (the dirs are 0700, LOG-3); every read is recorded in the CLI's own chain.
 */
export function auditDirOf(positionals: string[]): string {
  if (positionals.length > 1) throw new UsageError('give at most one audit directory');
  return resolve(positionals[0] ?? process.env.HIC_AUDIT_DIR ?? join(stateDir(), 'audit'));
}

/** Runs `fn` with a CLI context (the store only when REDIS_URL is set, unless `needsStore`), closing it after. */
export async function withAuditContext<T>(needsStore: boolean, fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = await openCliContext({ needsStore });
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/**
 * Records a read of the audit log before it happens (LOG-3/AC-5: reading the log is itself audited), durably:
 * a read that cannot be recorded does not take place.
 */
export async function recordRead(ctx: CliContext, action: string, details: Record<string, unknown>): Promise<void> {
  await ctx.audit.security({ event: 'staff-action', action, by: ctx.operator, ...details });
}

/** The search conditions every reading command accepts (see AuditQuery). */
export const queryOptions = {
  user: { type: 'string' },
  project: { type: 'string' },
  terminal: { type: 'string', multiple: true },
  address: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  event: { type: 'string', multiple: true },
  kind: { type: 'string' },
  decision: { type: 'string' },
  reason: { type: 'string' },
  session: { type: 'string' },
  instance: { type: 'string' },
  field: { type: 'string', multiple: true },
  limit: { type: 'string' },
} as const;

export const QUERY_USAGE = `conditions (all must hold):
  --user U              the user who acted (user, or by for staff actions)
  --project P           --session ID          --instance ID
  --terminal T          fingerprint or terminal id (repeatable: any of them)
  --address A           an address or a CIDR (10.1.0.0/16)
  --since T --until T   ISO 8601 (2025-04-01T09:00+09:00), a day in the zone (2025-04-01;
                        HIC_TIMEZONE, default Asia/Tokyo), or 30m / 24h / 7d ago
  --event E             login-success, login-failed, session-end, staff-action, alert, access, ... (repeatable)
  --kind access|security   --decision allow|deny   --reason R
  --field KEY=VALUE     any other top-level field, e.g. --field type=failed-login-burst (repeatable)`;

/** Turns parsed flags into a query; a bad condition is a usage error naming it. */
export function queryFrom(values: Record<string, unknown>, now: number, defaults: Partial<AuditQuery> = {}): AuditQuery {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(queryOptions)) if (values[key] !== undefined) input[key] = values[key];
  try {
    return { ...defaults, ...parseQuery(input, now, cliTimeZone()) };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
