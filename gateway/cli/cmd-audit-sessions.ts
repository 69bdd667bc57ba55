import { formatDuration, sessionsTable } from '../audit-review/format.js';
import { parseTime } from '../audit-review/query.js';
import { sessionTimelines } from '../audit-review/sessions.js';
import { cliTimeZone } from '../core/local-time.js';
import { type Command, output, UsageError } from './command.js';
import { auditDirOf, recordRead, withAuditContext } from './audit-cli.js';

function time(flag: string, value: unknown, now: number): number | undefined {
  if (value === undefined) return undefined;
  const zone = cliTimeZone();
  const t = parseTime(value, now, zone);
  if (t === null)
    throw new UsageError(`--${flag}: an ISO 8601 time, a day that exists (YYYY-MM-DD, ${zone}) or 30m / 24h / 7d, not ${String(value)}`);
  return t;
}

/** `hic audit sessions`: LOG-1 session records per user and project. */
export const auditSessionsCommand: Command = {
  name: 'audit sessions',
  summary: 'Session records from the audit log: login, end and why, duration, requests, bytes, terminal, address.',
  usage: `usage: hic audit sessions [DIR] [--user U] [--project P] [--since T] [--until T] [--idle-minutes 20] [--json]
A session with no recorded end whose last request is older than the idle limit is shown as expired-unobserved,
ending at the latest at last request + idle limit (SES-1).`,
  options: {
    user: { type: 'string' },
    project: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
    'idle-minutes': { type: 'string' },
  },
  allowPositionals: true,
  async run({ values, positionals, json }) {
    const dir = auditDirOf(positionals);
    const now = Date.now();
    const idle = Number(values['idle-minutes'] ?? 20);
    if (!Number.isFinite(idle) || idle <= 0) throw new UsageError('--idle-minutes: a positive number');
    const q = {
      ...(typeof values.user === 'string' ? { user: values.user } : {}),
      ...(typeof values.project === 'string' ? { project: values.project } : {}),
      ...(values.since !== undefined ? { since: time('since', values.since, now)! } : {}),
      ...(values.until !== undefined ? { until: time('until', values.until, now)! } : {}),
      idleTimeoutMs: idle * 60_000,
      now,
    };
    return withAuditContext(false, async (ctx) => {
      await recordRead(ctx, 'audit.sessions', { dir, user: q.user, project: q.project, since: values.since, until: values.until });
      const sessions = await sessionTimelines(dir, q);
      const total = sessions.reduce((ms, s) => ms + (s.durationMs ?? 0), 0);
      output(
        json,
        { ok: true, sessions },
        sessions.length === 0
          ? 'no sessions found'
          : `${sessionsTable(sessions)}\n${sessions.length} session(s), ${formatDuration(total)} in total`,
      );
      return 0;
    });
  },
};
