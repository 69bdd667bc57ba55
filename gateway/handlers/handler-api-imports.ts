import { timingSafeEqual } from 'node:crypto';
import { CSRF_COOKIE, readCookie } from '../sessions/cookies.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HicError } from '../core/errors.js';
import { requireAnalyst, requireViewer } from '../http/transfer-auth.js';
import type { Runtime } from '../runtime.js';
import { transferContext } from '../transfers/context.js';
import { TRANSFER_ID } from '../transfers/ids.js';
import { requestImport, rescanPending } from '../transfers/imports.js';
import { requireRole } from '../http/staff-auth.js';
import { canSee, publicTransfer } from '../transfers/views.js';

/**
 * A multipart body is what a cross-site HTML form can send, so this one non-JSON endpoint checks the browser's
 * own statement of where the request came from (Sec-Fetch-Site, Origin) on top of the SameSite=Strict cookie.
 */
function crossSite(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  return origin !== undefined && origin !== `https://${req.headers.host}`;
}

function tokenMatches(req: FastifyRequest, sent: string): boolean {
  const cookie = readCookie(req.headers.cookie, CSRF_COOKIE);
  if (!cookie) return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads the multipart form: one file (`file`) and the text fields; the file is bounded by the transfer limit. */
async function readForm(req: FastifyRequest): Promise<{ name: string; bytes: Buffer; fields: Record<string, string> }> {
  const fields: Record<string, string> = {};
  let file: { name: string; bytes: Buffer } | null = null;
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file' || file) {
        await part.toBuffer();
        throw new HicError('BAD_REQUEST', 'Send exactly one file, in the field "file".');
      }
      file = { name: part.filename || 'file', bytes: await part.toBuffer() };
    } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
  }
  if (!file) throw new HicError('BAD_REQUEST', 'The field "file" is missing.');
  return { ...file, fields };
}

/**
 * Reviewed imports (DATA-2): `POST /_hic/api/imports` (multipart: `file`, `purpose`, `target`) → 201
 * `{id, status, sha256, scan}`; `GET /_hic/api/imports[/:id]`; `POST /_hic/api/imports/rescan` (reviewer) retries
 * the scan of waiting imports. Decisions go through `POST /_hic/api/transfers/:id/approve|reject`.
 */
export function registerImportsApi(api: FastifyInstance, rt: Runtime): void {
  const tc = () => transferContext(rt);
  api.register(async (scope) => {
    // Loaded when the server is built, not when the module is: every `hic` command imports the handler modules.
    const { default: multipart } = await import('@fastify/multipart');
    await scope.register(multipart, {
      limits: { fileSize: rt.config.transfers.maxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 12 },
      throwFileSizeLimit: true,
    });
    scope.post('/_hic/api/imports', async (req, reply) => {
      if (crossSite(req)) throw new HicError('FORBIDDEN', 'Cross-site request refused.');
      const session = await requireAnalyst(rt, req, reply, 'import.request');
      if (!session) return reply;
      if (!req.isMultipart()) throw new HicError('BAD_REQUEST', 'Send multipart/form-data with the fields file, purpose and target.');
      const form = await readForm(req);
      const purpose = (form.fields.purpose ?? '').trim();
      const target = (form.fields.target ?? '').trim();
      if (!purpose || !target) throw new HicError('BAD_REQUEST', 'The fields purpose and target are required.');
      // The import page's form sends the page's CSRF token (double submit); it gets a page, a script gets JSON.
      const fromForm = form.fields._csrf !== undefined;
      if (fromForm && !tokenMatches(req, form.fields._csrf!)) throw new HicError('CSRF_FAILED');
      const r = await requestImport(tc(), session, { name: form.name, bytes: form.bytes, purpose, target });
      if (fromForm) return reply.code(303).header('location', `/_hic/imports/${r.id}`).send();
      return reply.code(201).header('cache-control', 'no-store').send(publicTransfer(r));
    });
  });

  api.get<{ Querystring: { status?: string } }>('/_hic/api/imports', async (req, reply) => {
    const session = await requireViewer(rt, req, reply, 'import.list');
    if (!session) return reply;
    const all = await tc().stores.transfers.list();
    const visible = all.filter(
      (r) => r.direction === 'import' && canSee(r, session) && (req.query.status === undefined || r.status === req.query.status),
    );
    return reply.header('cache-control', 'no-store').send({ requests: visible.map(publicTransfer) });
  });

  api.get<{ Params: { id: string } }>('/_hic/api/imports/:id', async (req, reply) => {
    const session = await requireViewer(rt, req, reply, 'import.show');
    if (!session) return reply;
    const r = TRANSFER_ID.test(req.params.id) ? await tc().stores.transfers.get(req.params.id) : null;
    if (!r || r.direction !== 'import' || !canSee(r, session)) throw new HicError('NOT_FOUND');
    return reply.header('cache-control', 'no-store').send(publicTransfer(r));
  });

  api.post('/_hic/api/imports/rescan', async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['reviewer'], 'import.rescan');
    if (!staff) return reply;
    return reply.header('cache-control', 'no-store').send({ scanned: await rescanPending(tc()) });
  });
}
