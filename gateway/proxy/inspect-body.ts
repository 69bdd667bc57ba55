import type { Readable } from 'node:stream';
import type { FastifyReplyFromHooks } from '@fastify/reply-from';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendDenial } from '../http/deny-response.js';
import { deny } from '../request-path/decision.js';
import { bodyMatches } from '../request-path/transfer.js';

/** Jupyter uploads in 8 MiB chunks (base64: ~11 MiB of JSON); anything larger is not a save of a notebook. */
const MAX_INSPECTED_BYTES = 32 * 1024 * 1024;

async function readAll(stream: Readable, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * DATA-1 where the path cannot tell: Jupyter's save and upload are both `PUT /api/contents/<p>`; the body's shape
 * says which (an upload carries base64 content, chunks or a name). The body is read, judged by the profile rule
 * and either refused (403, audited as upload-blocked) or forwarded as it was. A body that cannot be judged
 * (too large, not JSON) is refused: fail closed.
 */
export async function forwardInspected(req: FastifyRequest, reply: FastifyReply, hooks: FastifyReplyFromHooks): Promise<FastifyReply> {
  const ctx = req.hic;
  const raw = req.body instanceof Object && typeof (req.body as Readable).pipe === 'function' ? await readAll(req.body as Readable, MAX_INSPECTED_BYTES) : null;
  let parsed: unknown = null;
  try {
    parsed = raw ? JSON.parse(raw.toString('utf8')) : null;
  } catch {
    parsed = null;
  }
  if (parsed === null || bodyMatches(parsed, ctx.transfer!.body!)) {
    const refusal = deny('upload-blocked');
    req.hicDecision = refusal;
    return sendDenial(req, reply, refusal as Extract<typeof refusal, { allow: false }>);
  }
  return reply.from(ctx.project!.upstream + req.url, { ...hooks, body: raw!, contentType: String(req.headers['content-type'] ?? 'application/json') });
}
