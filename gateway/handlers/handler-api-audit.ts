import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { verifyAuditDir } from '../audit/index.js';
import { describeQuery, parseQuery, parseTime } from '../audit-review/query.js';
import { retentionReport } from '../audit-review/retention.js';
import { searchToArray } from '../audit-review/search.js';
import { sessionTimelines } from '../audit-review/sessions.js';
import { expandTerminals } from '../audit-review/terminals.js';
import { HicError } from '../core/errors.js';
import { auditStaffAction, requireRole } from '../http/staff-auth.js';
import type { Runtime } from '../runtime.js';
import { registerSecurityConsole } from './handler-security-console.js';

/** Results per search unless the body asks for fewer; the API never returns more (use `hic audit export`). */
const DEFAULT_LIMIT = 200;
const MAX_LIMIT = 5_000;

const bodySchema = { body: { type: 'object', maxProperties: 20 } } as const;

/**
 * The security team's API on the audit log (LOG-3, LOG-4, AC-5): only the `security` role; a call by anyone
 * else is refused (403) and that refusal is audited by requireRole. Every read is recorded as a staff action,
 * durably, before the log is read. Bodies are JSON (the API scope accepts nothing else).
 *
 * - POST /_hic/api/audit/search    {user, project, terminal, address, since, until, event, kind, decision, reason,
 *                                   session, instance, fields, limit} → {results: [{file, line, entry}], truncated}
 * - POST /_hic/api/audit/sessions  {user, project, since, until} → {sessions} (LOG-1 session records)
 * - GET  /_hic/api/audit/verify    → the verifier's result, with the checkpoints published to Redis
 * - GET  /_hic/api/audit/retention → which day files may be archived (LOG-2)
 * - GET  /_hic/security/             the console page (handler-security-console.ts)
 */
export function registerAuditApi(app: FastifyInstance, rt: Runtime): void {
  const dir = rt.config.audit.dir;

  app.post<{ Body: Record<string, unknown> }>('/_hic/api/audit/search', { schema: bodySchema }, async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['security'], 'audit.search');
    if (!staff) return reply;
    const query = parseQuery(req.body ?? {}, rt.clock.now());
    query.limit = Math.min(query.limit || DEFAULT_LIMIT, MAX_LIMIT);
    if (query.terminal) query.terminal = await expandTerminals(rt.stores.terminals, query.terminal);
    await auditStaffAction(rt, staff, 'audit.search', { query: describeQuery(query) });
    const { results, truncated, stats } = await searchToArray(dir, query);
    return reply.header('cache-control', 'no-store').send({ results, truncated, scanned: stats.lines });
  });

  app.post<{ Body: Record<string, unknown> }>('/_hic/api/audit/sessions', { schema: bodySchema }, async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['security'], 'audit.sessions');
    if (!staff) return reply;
    const now = rt.clock.now();
    const { user, project, since, until } = req.body ?? {};
    const q = {
      ...(typeof user === 'string' ? { user } : {}),
      ...(typeof project === 'string' ? { project } : {}),
      ...(since !== undefined ? { since: time('since', since, now) } : {}),
      ...(until !== undefined ? { until: time('until', until, now) } : {}),
      idleTimeoutMs: rt.config.session.idleTimeoutSeconds * 1000,
      now,
    };
    await auditStaffAction(rt, staff, 'audit.sessions', {
      user: q.user ?? null,
      project: q.project ?? null,
      since: since ?? null,
      until: until ?? null,
    });
    return reply.header('cache-control', 'no-store').send({ sessions: await sessionTimelines(dir, q) });
  });

  app.get('/_hic/api/audit/verify', async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['security'], 'audit.verify');
    if (!staff) return reply;
    await auditStaffAction(rt, staff, 'audit.verify', { dir });
    // The gateway's own key file; an independent check uses `hic audit verify --key` with a copy kept elsewhere.
    const publicKeyPem = await readFile(join(dir, 'keys', 'audit-signing.pub.pem'), 'utf8');
    const external = await rt.stores.auditCheckpoints?.all();
    const result = await verifyAuditDir(dir, publicKeyPem, external ? { external } : {});
    return reply.header('cache-control', 'no-store').send(result);
  });

  app.get('/_hic/api/audit/retention', async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['security'], 'audit.retention');
    if (!staff) return reply;
    await auditStaffAction(rt, staff, 'audit.retention', { dir });
    const files = await retentionReport(dir, await rt.stores.projects.list(), rt.clock.now());
    return reply.header('cache-control', 'no-store').send({ files });
  });

  registerSecurityConsole(app, rt);
}

function time(key: string, value: unknown, now: number): number {
  const t = parseTime(value, now);
  if (t === null) throw new HicError('BAD_REQUEST', `${key}: an ISO 8601 time, a day or 30m / 24h / 7d`);
  return t;
}
