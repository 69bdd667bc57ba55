import type { FastifyInstance, FastifyRequest } from 'fastify';
import { formatDuration } from '../audit-review/format.js';
import { describeQuery, parseQuery, type QueryInput } from '../audit-review/query.js';
import { searchToArray } from '../audit-review/search.js';
import type { AuditMatch } from '../audit-review/scan.js';
import { expandTerminals } from '../audit-review/terminals.js';
import { isHicError } from '../core/errors.js';
import { sendPage } from '../http/send-page.js';
import { auditStaffAction } from '../http/staff-auth.js';
import { requireStaffPage } from '../http/staff-page.js';
import type { Lang } from '../pages/i18n.js';
import { esc, notice } from '../pages/layout.js';
import type { Runtime } from '../runtime.js';

const PATH = '/_hic/security/';
const LIMIT = 200;

/** The console's words, Japanese first (the security team is Japanese); English with ?lang=en. */
const t = {
  title: { ja: '監査ログの確認', en: 'Audit log review' },
  search: { ja: '検索', en: 'Search' },
  alerts: { ja: '直近24時間のアラート', en: 'Alerts, last 24 hours' },
  refused: { ja: '直近24時間の拒否', en: 'Refusals, last 24 hours' },
  none: { ja: '該当する記録はありません。', en: 'No matching records.' },
  more: { ja: `先頭${LIMIT}件のみ表示しています。条件を絞るか \`hic audit search\` を使ってください。`, en: `Showing the first ${LIMIT} only: narrow the search or use \`hic audit search\`.` },
  recorded: { ja: 'この閲覧は監査ログに記録されます。', en: 'This review is itself recorded in the audit log.' },
  fields: {
    user: { ja: 'ユーザーID', en: 'User' }, project: { ja: '研究課題', en: 'Project' }, terminal: { ja: '端末', en: 'Terminal' },
    address: { ja: 'アドレス / CIDR', en: 'Address / CIDR' }, since: { ja: '開始（例 2025-04-01, 24h）', en: 'Since (e.g. 2025-04-01, 24h)' },
    until: { ja: '終了', en: 'Until' }, event: { ja: 'イベント', en: 'Event' }, decision: { ja: '判定 (allow / deny)', en: 'Decision (allow / deny)' },
  },
} as const;
type Field = keyof typeof t.fields;
const FIELDS = Object.keys(t.fields) as Field[];

/**
 * A small server-rendered console for the security team (LOG-4) at /_hic/security/: a search form (GET, so a
 * result can be bookmarked and nothing is changed), quick links for today's alerts and refusals, and the
 * results with the place of each line in the log. Security role only; each view is recorded like an API read.
 * No script, no inline style (the gateway's CSP); its stylesheet is served next to it.
 */
export function registerSecurityConsole(app: FastifyInstance, rt: Runtime): void {
  app.get(`${PATH}console.css`, async (_req, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'no-store').send(CSS),
  );

  app.get<{ Querystring: Record<string, string> }>(PATH, async (req, reply) => {
    // A browser without a session is sent to the login page and back here; scripts get JSON (http/staff-page.ts).
    const ok = await requireStaffPage(rt, req, reply, ['security'], 'audit.console');
    if (!ok) return reply;
    const { staff, lang, render } = ok;
    const input = conditions(req);
    let body = form(lang, input);
    if (Object.keys(input).length > 0) {
      try {
        const query = parseQuery(input, rt.clock.now());
        query.limit = LIMIT;
        if (query.terminal) query.terminal = await expandTerminals(rt.stores.terminals, query.terminal);
        await auditStaffAction(rt, staff, 'audit.console', { query: describeQuery(query) });
        const { results, truncated } = await searchToArray(rt.config.audit.dir, query);
        body += results.length === 0 ? notice('info', t.none[lang]) : table(results) + (truncated ? notice('info', t.more[lang]) : '');
      } catch (err) {
        if (!isHicError(err)) throw err;
        body += notice('error', err.detail ?? err.message);
      }
    }
    return sendPage(reply, 200, render(t.title[lang], body, { path: PATH }));
  });
}

/** The non-empty search fields of the query string. */
function conditions(req: FastifyRequest<{ Querystring: Record<string, string> }>): QueryInput {
  const out: QueryInput = {};
  for (const f of FIELDS) {
    const v = req.query[f];
    if (typeof v === 'string' && v.trim() !== '') out[f] = v.trim();
  }
  return out;
}

function form(lang: Lang, input: QueryInput): string {
  const inputs = FIELDS.map((f) => `<label>${esc(t.fields[f][lang])}<input type="text" name="${f}" value="${esc(input[f] ?? '')}"></label>`).join('');
  const quick = `<p class="quick"><a href="${PATH}?event=alert&amp;since=24h">${t.alerts[lang]}</a> · <a href="${PATH}?decision=deny&amp;since=24h">${t.refused[lang]}</a></p>`;
  return `<link rel="stylesheet" href="${PATH}console.css"><h1>${t.title[lang]}</h1>${quick}
<form method="get" action="${PATH}" class="search"><input type="hidden" name="lang" value="${lang}">${inputs}<button type="submit">${t.search[lang]}</button></form>
<p class="small">${t.recorded[lang]}</p>`;
}

function table(results: AuditMatch[]): string {
  const cell = (v: unknown): string => `<td>${esc(v === undefined || v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : v)}</td>`;
  const rows = results.map(({ file, line, entry: e }) => {
    const what = e.kind === 'access' ? `${String(e['method'])} ${String(e['path'])} ${String(e['status'])}` : `${String(e['event'])}${e['type'] ? `:${String(e['type'])}` : ''}`;
    const detail = e['summary'] ?? e['reason'] ?? (typeof e['durationMs'] === 'number' && e.kind === 'security' ? formatDuration(e['durationMs']) : '');
    const cls = e['event'] === 'alert' ? ' class="alert"' : '';
    return `<tr${cls}>${[e.time, what, e['user'] ?? e['by'], e['project'], e['terminalId'] ?? String(e['terminal'] ?? '').slice(0, 12), e['address'], detail, `${file}:${line}`].map(cell).join('')}</tr>`;
  });
  return `<table><thead><tr><th>time (UTC)</th><th>event</th><th>user</th><th>project</th><th>terminal</th><th>address</th><th>detail</th><th>where</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const CSS = `main{max-width:none;margin:1rem}
form.search{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:0 1rem;align-items:end}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin-top:1rem}th,td{border-bottom:1px solid #dde;padding:.25rem .4rem;text-align:left;vertical-align:top;word-break:break-all}
tr.alert{background:#fff4e0}.small{font-size:.8rem;color:#556}.quick a{margin-right:.3rem}
`;
