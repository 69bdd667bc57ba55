import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { activityOf, compileWithActivity } from '../audit-review/activity.js';
import { decisionOf, describeQuery, parseQuery, type AuditQuery, type QueryInput } from '../audit-review/query.js';
import type { AuditMatch } from '../audit-review/scan.js';
import { searchAudit } from '../audit-review/search.js';
import { expandTerminals } from '../audit-review/terminals.js';
import { HicError, isHicError } from '../core/errors.js';
import { sendPage } from '../http/send-page.js';
import { auditStaffAction } from '../http/staff-auth.js';
import { requireStaffPage } from '../http/staff-page.js';
import { activityBuckets, activityChart, countActivity } from '../pages/activity-chart.js';
import { countRecord, hourlyBuckets, hourlyChart } from '../pages/hourly-chart.js';
import type { Lang } from '../pages/i18n.js';
import { esc, notice } from '../pages/layout.js';
import { consoleForm, csvLine, CSV_HEADER, EVENTS, resultsTable, PAGE_SIZE, PATH, T, type ConsoleInput } from '../pages/security-views.js';
import type { Runtime } from '../runtime.js';

/** Deepest page served (newest first): a bounded ring of matches per request (MAX_PAGE × PAGE_SIZE lines). */
const MAX_PAGE = 200;
/** Without a `since`, the console looks at the last day: a search never reads the whole log by accident. */
const DEFAULT_SINCE = '24h';

type Q = { Querystring: Record<string, string> };

/**
 * The security team's console (LOG-4) at /_hic/security/: a search form with lists (events, decisions, projects) and
 * date-time fields in the configured zone; results newest first, PAGE_SIZE a page, times local with the ISO time in a
 * tooltip, staff actions with actor and action, terminal id and fingerprint apart; a streamed CSV export of the same
 * search. Invalid input is refused with a message naming the field. Security role only; every read is recorded
 * before it happens (LOG-3).
 */
export function registerSecurityConsole(app: FastifyInstance, rt: Runtime): void {
  app.get(`${PATH}console.css`, async (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'no-store').send(''),
  );

  app.get<Q>(PATH, async (req, reply) => {
    // A browser without a session is sent to the login page and back here; scripts get JSON (http/staff-page.ts).
    const ok = await requireStaffPage(rt, req, reply, ['security'], 'audit.console');
    if (!ok) return reply;
    const { staff, lang, render } = ok;
    const input = formInput(req);
    const projects = (await rt.stores.projects.list()).map((p) => p.id).sort();
    let body = consoleForm(lang, input, projects);
    if (hasConditions(input)) {
      try {
        const query = await toQuery(rt, input, lang);
        const page = pageOf(input.page);
        await auditStaffAction(rt, staff, 'audit.console', { query: describeQuery(query), page });
        const { rows, total, chart, activity } = await newestPage(rt, query, page);
        const zone = rt.config.pages.timezone;
        body += activityChart(lang, activity, zone);
        body +=
          rows.length === 0
            ? notice('info', T.none[lang])
            : hourlyChart(lang, chart, zone) + resultsTable(lang, rows, zone) + pager(lang, input, page, total);
      } catch (err) {
        if (!isHicError(err)) throw err;
        body += notice('error', err.detail ?? err.message);
      }
    }
    return sendPage(reply, 200, render(T.title[lang], body, { path: PATH }));
  });

  app.get<Q>(`${PATH}export.csv`, async (req, reply) => {
    const ok = await requireStaffPage(rt, req, reply, ['security'], 'audit.export');
    if (!ok) return reply;
    const input = formInput(req);
    let query: AuditQuery;
    try {
      query = await toQuery(rt, input, ok.lang);
    } catch (err) {
      if (!isHicError(err)) throw err;
      return reply
        .code(400)
        .header('cache-control', 'no-store')
        .send({ error: 'BAD_REQUEST', message: err.detail ?? err.message });
    }
    await auditStaffAction(rt, ok.staff, 'audit.export', { query: describeQuery(query), format: 'csv' });
    const zone = rt.config.pages.timezone;
    // Streamed: rows leave as the log is read, in time order; nothing is collected in memory.
    async function* lines() {
      yield '\ufeff' + CSV_HEADER + '\r\n';
      for await (const m of searchAudit(rt.config.audit.dir, { ...query, limit: 0 })) yield csvLine(m, zone) + '\r\n';
    }
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="hic-audit.csv"')
      .header('cache-control', 'no-store')
      .send(Readable.from(lines()));
  });
}

function formInput(req: FastifyRequest<Q>): ConsoleInput {
  const out: ConsoleInput = {};
  for (const key of ['user', 'project', 'terminal', 'address', 'since', 'until', 'event', 'decision', 'page'] as const) {
    const v = req.query[key];
    if (typeof v === 'string' && v.trim() !== '') out[key] = v.trim().slice(0, 256);
  }
  return out;
}

function hasConditions(input: ConsoleInput): boolean {
  return Object.keys(input).some((k) => k !== 'page');
}

async function toQuery(rt: Runtime, input: ConsoleInput, lang: Lang): Promise<AuditQuery> {
  if (input.event !== undefined && !EVENTS.includes(input.event)) {
    throw new HicError(
      'BAD_REQUEST',
      lang === 'ja'
        ? `イベント「${input.event}」はありません。一覧から選んでください。`
        : `event: "${input.event}" is not an event; choose one from the list`,
    );
  }
  const conditions: QueryInput = {};
  for (const key of ['user', 'project', 'terminal', 'address', 'since', 'until', 'event', 'decision'] as const)
    if (input[key] !== undefined) conditions[key] = input[key];
  if (conditions.since === undefined) conditions.since = DEFAULT_SINCE;
  const query = parseQuery(conditions, rt.clock.now(), rt.config.pages.timezone);
  if (query.terminal) query.terminal = await expandTerminals(rt.stores.terminals, query.terminal);
  return query;
}

function pageOf(raw: string | undefined): number {
  const n = raw === undefined ? 1 : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PAGE) throw new HicError('BAD_REQUEST', `page: a whole number from 1 to ${MAX_PAGE}`);
  return n;
}

/**
 * The newest `page`-th slice: a ring of the last page × PAGE_SIZE matches, then reversed. In the same pass over
 * the log (audit-review/activity.ts), the charts: the search's records and refusals per hour, and logins, failed
 * logins, refusals and blocked transfers per hour within the search's scope and range.
 */
async function newestPage(rt: Runtime, query: AuditQuery, page: number) {
  const keep = page * PAGE_SIZE;
  const ring: AuditMatch[] = [];
  let total = 0;
  const now = rt.clock.now();
  const since = query.since ?? now - 86_400_000;
  const until = query.until ?? now;
  const chart = hourlyBuckets(since, until);
  const activity = activityBuckets(since, until);
  const { union, search } = compileWithActivity(query);
  for await (const m of searchAudit(rt.config.audit.dir, { ...query, limit: 0 }, undefined, { compiled: union })) {
    const entry = m.entry as Record<string, unknown>;
    const time = Date.parse(m.entry.time);
    countActivity(activity, time, activityOf(entry));
    if (!search.matches(entry)) continue;
    total++;
    countRecord(chart, time, decisionOf(entry) === 'deny');
    ring.push(m);
    if (ring.length > keep) ring.shift();
  }
  const newestFirst = ring.reverse();
  return { rows: newestFirst.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE), total, chart, activity };
}

function pager(lang: Lang, input: ConsoleInput, page: number, total: number): string {
  const pages = Math.min(MAX_PAGE, Math.ceil(total / PAGE_SIZE));
  const link = (p: number, label: string) => {
    const qs = new URLSearchParams({ ...input, page: String(p) } as Record<string, string>).toString();
    return `<a href="${PATH}?${esc(qs)}" rel="${p > page ? 'next' : 'prev'}">${label}</a>`;
  };
  const exportQs = new URLSearchParams(
    Object.fromEntries(Object.entries(input).filter(([k]) => k !== 'page')) as Record<string, string>,
  ).toString();
  return `<nav class="pager" aria-label="${lang === 'ja' ? 'ページ' : 'Pages'}">${page > 1 ? link(page - 1, T.newer[lang]) : ''}<span>${T.pageOf[lang](page, pages, total)}</span>${page < pages ? link(page + 1, T.older[lang]) : ''}<a href="${PATH}export.csv?${esc(exportQs)}" id="csv-export">${T.csv[lang]}</a></nav>`;
}
