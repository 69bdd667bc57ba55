import { BLOCKED_TRANSFER_REASONS } from '../alerts/watcher.js';
import { ALLOW_REASONS, compileQuery, type AuditQuery, type CompiledQuery } from './query.js';

/**
 * The four fixed series of the security console's activity chart (issue 13 item 3): logins (`login-success`),
 * failed logins (`login-failed`), refusals (access records whose reason is a refusal, blocked transfers included)
 * and blocked transfers (access records refused as a download / upload / transfer, DATA-1).
 */
export const ACTIVITY_SERIES = ['logins', 'failures', 'refusals', 'blocked'] as const;
export type ActivitySeries = (typeof ACTIVITY_SERIES)[number];

/** The series an audit line counts in (none, one, or refusals and blocked together). */
export function activityOf(entry: Record<string, unknown>): ActivitySeries[] {
  if (entry['kind'] === 'access') {
    const reason = String(entry['reason']);
    if (ALLOW_REASONS.has(reason)) return [];
    return BLOCKED_TRANSFER_REASONS.has(reason) ? ['refusals', 'blocked'] : ['refusals'];
  }
  const event = entry['event'];
  return event === 'login-success' ? ['logins'] : event === 'login-failed' ? ['failures'] : [];
}

/**
 * One pass for both the search and the chart: a compiled query that lets through every line the search matches
 * and, within the search's scope (user, project, terminal, address, time range), every line of a series — so the
 * chart does not depend on the event or decision chosen. The caller tells the two apart with `search.matches`.
 * Allowed requests (most of the log) are still skipped on their last bytes whenever the search cannot want them;
 * a search that wants them reads them anyway.
 */
export function compileWithActivity(q: AuditQuery): { union: CompiledQuery; search: CompiledQuery } {
  const search = compileQuery(q);
  const scope = compileQuery({
    ...(q.user !== undefined ? { user: q.user } : {}),
    ...(q.project !== undefined ? { project: q.project } : {}),
    ...(q.terminal !== undefined ? { terminal: q.terminal } : {}),
    ...(q.address !== undefined ? { address: q.address } : {}),
    ...(q.since !== undefined ? { since: q.since } : {}),
    ...(q.until !== undefined ? { until: q.until } : {}),
    ...(q.instance !== undefined ? { instance: q.instance } : {}),
  });
  const noAllowedAccess = q.decision === 'deny' || q.kind === 'security' || (q.event !== undefined && !q.event.includes('access'));
  const rejectEndings = noAllowedAccess ? [...ALLOW_REASONS].map((r) => Buffer.from(`"reason":${JSON.stringify(r)}}`, 'utf8')) : [];
  return {
    search,
    union: {
      ...scope,
      query: { ...scope.query, limit: 0 },
      rejectEndings,
      matches: (e) => scope.matches(e) && (search.matches(e) || activityOf(e).length > 0),
    },
  };
}
