import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { extname } from 'node:path';
import { isHicError } from '../core/errors.js';
import { csrfField, csrfToken, csrfValid } from '../http/csrf.js';
import { currentSession } from '../http/current-session.js';
import { type Lang, text } from '../pages/i18n.js';
import { esc, notice, page } from '../pages/layout.js';
import { bytes, findingsTable, statusBadge } from '../pages/transfer-fragments.js';
import { kindText, tt } from '../pages/transfer-text.js';
import type { Runtime } from '../runtime.js';
import type { SessionRecord } from '../stores/types.js';
import { transferContext } from '../transfers/context.js';
import { requestExport } from '../transfers/exports.js';
import { TRANSFER_ID } from '../transfers/ids.js';
import { guessColumnKind } from '../transfers/precheck/columns.js';
import { COLUMN_KINDS, type ColumnKind } from '../transfers/precheck/types.js';
import { previewTable } from '../transfers/preview.js';
import { releaseIfUnused } from '../transfers/retention.js';
import { canSee, publicTransfer } from '../transfers/views.js';
import { listDirectory, readWorkspaceFile } from '../transfers/workspace-client.js';
import { html, langOf } from './page-helpers.js';

type Query = { dir?: string; file?: string; lang?: string };
type Form = Record<string, string | undefined>;

/** The analyst's session for a page, or a reply already sent (login redirect, or 403 page for other roles). */
export async function pageSession(
  rt: Runtime,
  req: FastifyRequest,
  reply: FastifyReply,
  role: 'analyst' | 'reviewer',
  action: string,
): Promise<SessionRecord | null> {
  const current = await currentSession(rt, req);
  if (!current.session) {
    reply.code(302).header('location', '/_hic/login').send();
    return null;
  }
  const s = current.session;
  if (s.restriction || !s.roles.includes(role)) {
    await rt.audit.security({
      event: 'staff-action-refused',
      action,
      by: s.user,
      roles: s.roles,
      required: [role],
      session: s.id,
      terminal: s.terminal,
      address: req.hic.address,
    });
    const lang = langOf(req);
    html(reply, 403, page(lang, '403', `<h1>403</h1>${notice('error', tt.notAllowed[lang])}`, { user: s.user }));
    return null;
  }
  return s;
}

function parentOf(dir: string): string {
  return dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
}

/** Headers of the file's first row (CSV/TSV/XLSX), read through the quarantine; the copy goes if not requested. */
async function headersOf(rt: Runtime, project: string, path: string): Promise<string[]> {
  const ext = extname(path).toLowerCase();
  if (!['.csv', '.tsv', '.xlsx'].includes(ext)) return [];
  const tc = transferContext(rt);
  const target = await tc.target(project);
  if (!target) return [];
  const file = await readWorkspaceFile(target, path, tc.settings.maxBytes);
  const stored = await tc.quarantine.put(file.bytes);
  try {
    const sheets = await previewTable(stored.path, ext.slice(1), 1);
    return sheets[0]?.rows[0]?.cells ?? [];
  } finally {
    await releaseIfUnused(tc, stored.sha256);
  }
}

function browser(lang: Lang, dir: string, entries: Awaited<ReturnType<typeof listDirectory>>): string {
  const up = dir === '' ? '' : `<li><a href="/_hic/exports/new?dir=${encodeURIComponent(parentOf(dir))}">↑ ${tt.up[lang]}</a></li>`;
  const items = entries.map((e) =>
    e.type === 'directory'
      ? `<li>📁 <a href="/_hic/exports/new?dir=${encodeURIComponent(e.path)}">${esc(e.name)}/</a></li>`
      : `<li>📄 <a href="/_hic/exports/new?file=${encodeURIComponent(e.path)}">${esc(e.name)}</a> <small>${e.size === null ? '' : bytes(e.size)}</small></li>`,
  );
  return `<h2>${tt.folder[lang]}: /${esc(dir)}</h2><ul class="files">${up}${items.join('')}</ul>`;
}

function requestForm(lang: Lang, csrf: string, path: string, headers: string[], message = '', purpose = ''): string {
  const columns =
    headers.length === 0
      ? ''
      : `<fieldset><legend>${tt.columns[lang]}</legend>${headers
          .map((h, i) => {
            const guess = guessColumnKind(h);
            const options = COLUMN_KINDS.map(
              (k) => `<option value="${k}"${k === guess ? ' selected' : ''}>${esc(kindText[k][lang])}</option>`,
            ).join('');
            return `<label for="k${i}">${esc(h) || `(${i + 1})`}</label><input type="hidden" name="h${i}" value="${esc(h)}"><select id="k${i}" name="k${i}">${options}</select>`;
          })
          .join('')}</fieldset>`;
  return `${message}<form method="post" action="/_hic/exports/new">${csrfField(csrf)}<input type="hidden" name="path" value="${esc(path)}">
<p>${tt.file[lang]}: <code id="picked">${esc(path)}</code> — <a href="/_hic/exports/new?dir=${encodeURIComponent(parentOf(path))}">${tt.up[lang]}</a></p>
<label for="purpose">${tt.purpose[lang]}</label><textarea id="purpose" name="purpose" rows="3" maxlength="2000" required>${esc(purpose)}</textarea>
${columns}<button type="submit">${tt.submit[lang]}</button></form>`;
}

/** One request as its analyst sees it: status, findings, and the download link once approved. */
function requestView(lang: Lang, v: ReturnType<typeof publicTransfer>): string {
  const left = v.direction === 'export' && v.status === 'approved' ? (v.maxDownloads ?? 0) - (v.downloads ?? 0) : 0;
  const download =
    left > 0
      ? `<p><a class="download" href="/_hic/api/exports/${esc(v.id)}/file">${tt.download[lang]}</a> — ${tt.downloadsLeft[lang]}: ${left}, ${tt.validUntil[lang]}: ${esc(v.validUntil ?? '')}</p>`
      : '';
  return `<h1>${esc(v.name)}</h1><p>${tt.status[lang]}: ${statusBadge(v.status, lang)}</p>
<p>${tt.purpose[lang]}: ${esc(v.purpose)}</p><p><small>SHA-256 ${esc(v.sha256)} · ${bytes(v.size)}</small></p>
${v.decision ? `<p>${esc(v.decision.by)}: ${esc(v.decision.comment)}</p>` : ''}${download}
${v.precheck?.problem ? notice('error', `${tt.problem[lang]}: ${v.precheck.problem}`) : ''}
<h2>${tt.findings[lang]}</h2>${findingsTable(v.findings, lang)}<p><a href="/_hic/exports">${tt.myRequests[lang]}</a></p>`;
}

/**
 * The analyst's export pages (Japanese first): browse the workspace through its contents API, pick a file, state the
 * purpose and the column kinds, submit; follow one's own requests and download an approved one.
 */
export function registerExportPages(app: FastifyInstance, rt: Runtime): void {
  app.get<{ Querystring: Query }>('/_hic/exports/new', async (req, reply) => {
    const s = await pageSession(rt, req, reply, 'analyst', 'export.page');
    if (!s) return reply;
    const lang = langOf(req);
    const csrf = csrfToken(req, reply);
    const intro = `<h1>${tt.exportHeading[lang]}</h1><p>${tt.exportIntro[lang]}</p>`;
    try {
      if (req.query.file) {
        const headers = await headersOf(rt, s.project, req.query.file);
        return html(
          reply,
          200,
          page(lang, tt.exportHeading[lang], intro + requestForm(lang, csrf, req.query.file, headers), {
            user: s.user,
            path: '/_hic/exports/new',
          }),
        );
      }
      const dir = (req.query.dir ?? '').replace(/^\/+|\/+$/g, '');
      const target = await transferContext(rt).target(s.project);
      const entries = target ? await listDirectory(target, dir) : [];
      return html(
        reply,
        200,
        page(lang, tt.exportHeading[lang], intro + browser(lang, dir, entries), { user: s.user, path: '/_hic/exports/new' }),
      );
    } catch (err) {
      if (!isHicError(err)) throw err;
      return html(
        reply,
        err.status,
        page(lang, tt.exportHeading[lang], intro + notice('error', err.detail ?? err.message), { user: s.user, path: '/_hic/exports/new' }),
      );
    }
  });

  app.post<{ Body: Form }>('/_hic/exports/new', async (req, reply) => {
    const s = await pageSession(rt, req, reply, 'analyst', 'export.request');
    if (!s) return reply;
    const lang = langOf(req);
    const body = req.body ?? {};
    const path = String(body.path ?? '');
    const purpose = String(body.purpose ?? '').trim();
    const columns: Record<string, ColumnKind> = {};
    for (let i = 0; i < 1000 && body[`h${i}`] !== undefined; i++) {
      const kind = String(body[`k${i}`] ?? 'other') as ColumnKind;
      if (COLUMN_KINDS.includes(kind)) columns[String(body[`h${i}`])] = kind;
    }
    const again = (status: number, message: string) =>
      html(
        reply,
        status,
        page(
          lang,
          tt.exportHeading[lang],
          `<h1>${tt.exportHeading[lang]}</h1>` +
            requestForm(lang, csrfToken(req, reply), path, Object.keys(columns), notice('error', message), purpose),
          { user: s.user, path: '/_hic/exports/new' },
        ),
      );
    if (!csrfValid(req)) return again(403, text.csrf[lang]);
    if (!path || !purpose) return again(400, lang === 'ja' ? 'ファイルと目的を入力してください。' : 'Pick a file and state the purpose.');
    try {
      const r = await requestExport(transferContext(rt), s, { path, purpose, ...(Object.keys(columns).length ? { columns } : {}) });
      return reply.code(303).header('location', `/_hic/exports/${r.id}`).send();
    } catch (err) {
      if (!isHicError(err)) throw err;
      return again(err.status, err.detail ?? err.message);
    }
  });

  app.get('/_hic/exports', async (req, reply) => {
    const s = await pageSession(rt, req, reply, 'analyst', 'export.list');
    if (!s) return reply;
    const lang = langOf(req);
    const mine = (await rt.stores.transfers.list()).filter((r) => r.user === s.user && r.project === s.project).reverse();
    const rows = mine.map(
      (r) =>
        `<tr><td><a href="/_hic/${r.direction}s/${r.id}">${esc(r.name)}</a></td><td>${r.direction === 'export' ? tt.export[lang] : tt.import[lang]}</td><td>${statusBadge(r.status, lang)}</td><td>${esc(new Date(r.createdAt).toISOString())}</td></tr>`,
    );
    const body = `<h1>${tt.myRequests[lang]}</h1><p><a href="/_hic/exports/new">${tt.exportHeading[lang]}</a> · <a href="/_hic/imports/new">${tt.importHeading[lang]}</a></p>
${mine.length === 0 ? `<p>${tt.none[lang]}</p>` : `<table><thead><tr><th>${tt.file[lang]}</th><th>${tt.direction[lang]}</th><th>${tt.status[lang]}</th><th>${tt.requestedAt[lang]}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`}`;
    return html(reply, 200, page(lang, tt.myRequests[lang], body, { user: s.user, path: '/_hic/exports' }));
  });

  for (const direction of ['exports', 'imports'] as const) {
    app.get<{ Params: { id: string } }>(`/_hic/${direction}/:id`, async (req, reply) => {
      const s = await pageSession(rt, req, reply, 'analyst', `${direction.slice(0, -1)}.show`);
      if (!s) return reply;
      const lang = langOf(req);
      const r = TRANSFER_ID.test(req.params.id) ? await rt.stores.transfers.get(req.params.id) : null;
      if (!r || `${r.direction}s` !== direction || !canSee(r, s))
        return html(reply, 404, page(lang, '404', `<h1>404</h1><p>${text.notFound[lang]}</p>`, { user: s.user }));
      return html(
        reply,
        200,
        page(lang, r.name, requestView(lang, publicTransfer(r)), { user: s.user, path: `/_hic/${direction}/${r.id}` }),
      );
    });
  }
}
