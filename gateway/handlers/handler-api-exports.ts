import type { FastifyInstance } from 'fastify';
import { HicError } from '../core/errors.js';
import { requireRole } from '../http/staff-auth.js';
import { requireAnalyst, requireViewer } from '../http/transfer-auth.js';
import type { Runtime } from '../runtime.js';
import { transferContext } from '../transfers/context.js';
import { decideTransfer } from '../transfers/decisions.js';
import { downloadExport, requestExport } from '../transfers/exports.js';
import { TRANSFER_ID } from '../transfers/ids.js';
import { COLUMN_KINDS, type ColumnKind } from '../transfers/precheck/types.js';
import { canSee, publicTransfer } from '../transfers/views.js';
import { listDirectory } from '../transfers/workspace-client.js';

type IdParams = { Params: { id: string } };
const commentSchema = {
  body: {
    type: 'object',
    required: ['comment'],
    additionalProperties: false,
    properties: { comment: { type: 'string', minLength: 1, maxLength: 2000 } },
  },
} as const;

/** A filename for Content-Disposition: ASCII fallback plus the UTF-8 name (RFC 6266, RFC 8187). */
function disposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Reviewed exports (DATA-3) over HTTP, the contract of issue 12:
 * `POST /_hic/api/exports {path, purpose, columns?}` → 201 `{id, status: "pending", sha256, findings}`,
 * `GET /_hic/api/exports/:id`, `GET /_hic/api/exports/:id/file` (403 unless approved and within its limits),
 * plus the list, the reviewer's approve/reject, and browsing the workspace for the request page.
 */
export function registerExportsApi(api: FastifyInstance, rt: Runtime): void {
  const tc = () => transferContext(rt);

  api.post<{ Body: { path: string; purpose: string; columns?: Record<string, ColumnKind> } }>(
    '/_hic/api/exports',
    {
      schema: {
        body: {
          type: 'object',
          required: ['path', 'purpose'],
          additionalProperties: false,
          properties: {
            path: { type: 'string', minLength: 1, maxLength: 1024 },
            purpose: { type: 'string', minLength: 1, maxLength: 2000 },
            columns: { type: 'object', maxProperties: 1000, additionalProperties: { type: 'string', enum: [...COLUMN_KINDS] } },
          },
        },
      },
    },
    async (req, reply) => {
      const session = await requireAnalyst(rt, req, reply, 'export.request');
      if (!session) return reply;
      const r = await requestExport(tc(), session, req.body);
      const view = publicTransfer(r);
      return reply.code(201).header('cache-control', 'no-store').send(view);
    },
  );

  api.get<{ Querystring: { status?: string; direction?: string } }>('/_hic/api/exports', async (req, reply) => {
    const session = await requireViewer(rt, req, reply, 'export.list');
    if (!session) return reply;
    const status = req.query.status;
    const all = await tc().stores.transfers.list();
    const visible = all.filter((r) => r.direction === 'export' && canSee(r, session) && (status === undefined || r.status === status));
    return reply.header('cache-control', 'no-store').send({ requests: visible.map(publicTransfer) });
  });

  api.get<IdParams>('/_hic/api/exports/:id', async (req, reply) => {
    const session = await requireViewer(rt, req, reply, 'export.show');
    if (!session) return reply;
    const r = TRANSFER_ID.test(req.params.id) ? await tc().stores.transfers.get(req.params.id) : null;
    if (!r || r.direction !== 'export' || !canSee(r, session)) throw new HicError('NOT_FOUND');
    return reply.header('cache-control', 'no-store').send(publicTransfer(r));
  });

  api.get<IdParams>('/_hic/api/exports/:id/file', async (req, reply) => {
    const session = await requireAnalyst(rt, req, reply, 'export.download');
    if (!session) return reply;
    if (!TRANSFER_ID.test(req.params.id)) throw new HicError('NOT_FOUND');
    const { request, bytes, count } = await downloadExport(tc(), req.params.id, session);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-disposition', disposition(request.name))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .header('x-hic-sha256', request.sha256)
      .header('x-hic-download', `${count}/${request.maxDownloads}`)
      .send(bytes);
  });

  for (const [verb, outcome] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    api.post<IdParams & { Body: { comment: string } }>(`/_hic/api/transfers/:id/${verb}`, { schema: commentSchema }, async (req, reply) => {
      const staff = await requireRole(rt, req, reply, ['reviewer'], `transfer.${verb}`);
      if (!staff) return reply;
      if (!TRANSFER_ID.test(req.params.id)) throw new HicError('NOT_FOUND');
      return reply
        .header('cache-control', 'no-store')
        .send(publicTransfer(await decideTransfer(tc(), req.params.id, staff.user, outcome, req.body.comment)));
    });
  }

  api.get<{ Querystring: { path?: string } }>('/_hic/api/workspace/files', async (req, reply) => {
    const session = await requireAnalyst(rt, req, reply, 'workspace.browse');
    if (!session) return reply;
    const target = await tc().target(session.project);
    if (!target) throw new HicError('FORBIDDEN');
    return reply
      .header('cache-control', 'no-store')
      .send({ path: req.query.path ?? '', entries: await listDirectory(target, req.query.path ?? '') });
  });
}
