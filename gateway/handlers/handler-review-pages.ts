import type { FastifyInstance } from 'fastify';
import { isHicError } from '../core/errors.js';
import { csrfField, csrfToken, csrfValid } from '../http/csrf.js';
import { text } from '../pages/i18n.js';
import { esc, notice, page } from '../pages/layout.js';
import { bytes, findingsTable, statusBadge, tablePreview } from '../pages/transfer-fragments.js';
import { tt } from '../pages/transfer-text.js';
import type { Runtime } from '../runtime.js';
import type { TransferRequest } from '../stores/types.js';
import { transferContext } from '../transfers/context.js';
import { decideTransfer } from '../transfers/decisions.js';
import { TRANSFER_ID } from '../transfers/ids.js';
import { previewTable, previewText } from '../transfers/preview.js';
import { precheckOf, publicTransfer } from '../transfers/views.js';
import { pageSession } from './handler-exports-pages.js';
import { html, langOf } from './page-helpers.js';

const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpeg: 'image/jpeg', svg: 'image/svg+xml' };

function listTable(rs: TransferRequest[], lang: 'ja' | 'en'): string {
  if (rs.length === 0) return `<p>${tt.none[lang]}</p>`;
  const rows = rs.map(
    (r) =>
      `<tr><td><a href="/_hic/review/${r.id}">${esc(r.name)}</a></td><td>${r.direction === 'export' ? tt.export[lang] : tt.import[lang]}</td><td>${esc(r.user)}</td><td>${esc(r.project)}</td><td>${statusBadge(r.status, lang)}</td><td>${precheckOf(r)?.findings.length ?? '—'}</td><td>${esc(new Date(r.createdAt).toISOString())}</td></tr>`,
  );
  return `<table><thead><tr><th>${tt.file[lang]}</th><th>${tt.direction[lang]}</th><th>${tt.analyst[lang]}</th><th>${tt.project[lang]}</th><th>${tt.status[lang]}</th><th>${tt.findings[lang]}</th><th>${tt.requestedAt[lang]}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The file as the reviewer sees it: a table preview with findings highlighted, text, or an image (never executed). */
async function content(rt: Runtime, r: TransferRequest, lang: 'ja' | 'en'): Promise<string> {
  const tc = transferContext(rt);
  if (r.quarantineDeletedAt || !(await tc.quarantine.has(r.sha256)))
    return `<p>${lang === 'ja' ? '隔離領域のファイルは削除済みです（ハッシュは記録に残っています）。' : 'The quarantine copy has been deleted (its hash stays on record).'}</p>`;
  const path = tc.quarantine.pathOf(r.sha256);
  const pre = precheckOf(r);
  const kind = pre?.kind ?? (r.direction === 'import' ? 'text' : 'other');
  if (r.status === 'infected') return `<p>${tt.binary[lang]}</p>`;
  if (kind === 'table' && pre) return tablePreview(await previewTable(path, pre.format), pre.findings, lang);
  if (kind === 'image' && pre) return `<img class="preview" alt="${esc(r.name)}" src="/_hic/review/${r.id}/image">`;
  if (kind === 'text' || r.direction === 'import') {
    const { text: body, truncated } = await previewText(path);
    if (body.includes('\u0000')) return `<p>${tt.binary[lang]}</p>`;
    return `<pre class="text">${esc(body)}</pre>${truncated ? `<p><small>${tt.previewMore[lang]}</small></p>` : ''}`;
  }
  return `<p>${tt.binary[lang]}</p>`;
}

async function detail(rt: Runtime, r: TransferRequest, lang: 'ja' | 'en', csrf: string, reviewer: string, message = ''): Promise<string> {
  const v = publicTransfer(r);
  const form =
    r.status === 'pending'
      ? r.user === reviewer
        ? notice('info', tt.ownRequest[lang])
        : `<form method="post" action="/_hic/review/${r.id}">${csrfField(csrf)}<label for="comment">${tt.comment[lang]}</label><textarea id="comment" name="comment" rows="3" maxlength="2000" required></textarea>
<div class="actions"><button type="submit" name="decision" value="approve">${tt.approve[lang]}</button><button type="submit" name="decision" value="reject">${tt.reject[lang]}</button></div></form>`
      : '';
  return `<h1>${esc(r.name)}</h1>${message}
<table><tbody>
<tr><th>${tt.direction[lang]}</th><td>${r.direction === 'export' ? tt.export[lang] : tt.import[lang]}</td></tr>
<tr><th>${tt.status[lang]}</th><td>${statusBadge(r.status, lang)}</td></tr>
<tr><th>${tt.analyst[lang]}</th><td>${esc(r.user)} (${esc(r.project)})</td></tr>
<tr><th>${tt.purpose[lang]}</th><td>${esc(r.purpose)}</td></tr>
<tr><th>${r.direction === 'export' ? tt.file[lang] : tt.target[lang]}</th><td><code>${esc(r.path)}</code> · ${bytes(r.size)}</td></tr>
<tr><th>SHA-256</th><td><code>${esc(r.sha256)}</code></td></tr>
${r.scan ? `<tr><th>${tt.scan[lang]}</th><td>${esc(r.scan.status)}${r.scan.signature ? ` — ${esc(r.scan.signature)}` : ''}</td></tr>` : ''}
${r.decision ? `<tr><th>${r.decision.outcome === 'approved' ? tt.approve[lang] : tt.reject[lang]}</th><td>${esc(r.decision.by)}: ${esc(r.decision.comment)}</td></tr>` : ''}
</tbody></table>
${v.precheck?.problem ? notice('error', `${tt.problem[lang]}: ${v.precheck.problem}`) : ''}
${r.direction === 'export' ? `<h2>${tt.findings[lang]}</h2>${findingsTable(v.findings, lang)}` : ''}
<h2>${tt.preview[lang]}</h2>${await content(rt, r, lang)}
${form}<p><a href="/_hic/review">${tt.reviewHeading[lang]}</a></p>`;
}

/**
 * The reviewer's pages (role reviewer, Japanese first): pending requests, one request with its content and findings,
 * approve or reject with a comment (CSRF token; never one's own request, refused by the service as well).
 */
export function registerReviewPages(app: FastifyInstance, rt: Runtime): void {
  app.get('/_hic/review', async (req, reply) => {
    const s = await pageSession(rt, req, reply, 'reviewer', 'transfer.list');
    if (!s) return reply;
    const lang = langOf(req);
    const all = await rt.stores.transfers.list();
    const pending = all.filter((r) => r.status === 'pending' || r.status === 'scan-pending');
    const decided = all
      .filter((r) => !pending.includes(r))
      .reverse()
      .slice(0, 50);
    const body = `<h1>${tt.reviewHeading[lang]}</h1><h2>${tt.pendingList[lang]}</h2>${listTable(pending, lang)}<h2>${tt.decidedList[lang]}</h2>${listTable(decided, lang)}`;
    return html(reply, 200, page(lang, tt.reviewHeading[lang], body, { user: s.user, path: '/_hic/review' }));
  });

  app.get<{ Params: { id: string } }>('/_hic/review/:id', async (req, reply) => {
    const s = await pageSession(rt, req, reply, 'reviewer', 'transfer.show');
    if (!s) return reply;
    const lang = langOf(req);
    const r = TRANSFER_ID.test(req.params.id) ? await rt.stores.transfers.get(req.params.id) : null;
    if (!r) return html(reply, 404, page(lang, '404', `<h1>404</h1><p>${text.notFound[lang]}</p>`, { user: s.user }));
    await rt.audit.security({
      event: 'staff-action',
      action: 'transfer.show',
      by: s.user,
      id: r.id,
      user: r.user,
      project: r.project,
      sha256: r.sha256,
    });
    return html(
      reply,
      200,
      page(lang, r.name, await detail(rt, r, lang, csrfToken(req, reply), s.user), { user: s.user, path: `/_hic/review/${r.id}` }),
    );
  });

  app.post<{ Params: { id: string }; Body: { comment?: string; decision?: string; _csrf?: string } }>(
    '/_hic/review/:id',
    async (req, reply) => {
      const s = await pageSession(rt, req, reply, 'reviewer', 'transfer.decide');
      if (!s) return reply;
      const lang = langOf(req);
      const r = TRANSFER_ID.test(req.params.id) ? await rt.stores.transfers.get(req.params.id) : null;
      if (!r) return html(reply, 404, page(lang, '404', `<h1>404</h1><p>${text.notFound[lang]}</p>`, { user: s.user }));
      const again = async (status: number, message: string) =>
        html(
          reply,
          status,
          page(lang, r.name, await detail(rt, (await rt.stores.transfers.get(r.id)) ?? r, lang, csrfToken(req, reply), s.user, message), {
            user: s.user,
          }),
        );
      if (!csrfValid(req)) return again(403, notice('error', text.csrf[lang]));
      const decision = req.body?.decision;
      if (decision !== 'approve' && decision !== 'reject') return again(400, notice('error', 'approve / reject?'));
      try {
        await decideTransfer(
          transferContext(rt),
          r.id,
          s.user,
          decision === 'approve' ? 'approved' : 'rejected',
          String(req.body?.comment ?? ''),
        );
      } catch (err) {
        if (!isHicError(err)) throw err;
        return again(err.status, notice('error', err.status === 403 ? tt.ownRequest[lang] : (err.detail ?? err.message)));
      }
      return again(200, notice('info', tt.decided[lang]));
    },
  );

  app.get<{ Params: { id: string } }>('/_hic/review/:id/image', async (req, reply) => {
    const s = await pageSession(rt, req, reply, 'reviewer', 'transfer.image');
    if (!s) return reply;
    const r = TRANSFER_ID.test(req.params.id) ? await rt.stores.transfers.get(req.params.id) : null;
    const pre = r ? precheckOf(r) : null;
    if (!r || pre?.kind !== 'image' || !IMAGE_TYPES[pre.format]) return reply.code(404).send({ error: 'NOT_FOUND' });
    const bytes = await transferContext(rt).quarantine.read(r.sha256);
    // An SVG opened directly must not run script: a sandboxed, script-less CSP on the image itself.
    return reply
      .header('content-type', IMAGE_TYPES[pre.format]!)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(bytes);
  });
}
