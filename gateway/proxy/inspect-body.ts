import type { Readable } from 'node:stream';
import type { FastifyReplyFromHooks } from '@fastify/reply-from';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendDenial } from '../http/deny-response.js';
import type { Refused } from '../http/refusal.js';
import { judgeContentWrite, judgeRename } from '../request-path/content-judge.js';
import { deny } from '../request-path/decision.js';

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

function parse(raw: Buffer | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
}

/**
 * DATA-1 where the path cannot tell: Jupyter's save and upload are both `PUT /api/contents/<p>`, a rename is a
 * `PATCH` with the new path in the body. The body is read, judged (request-path/content-judge.ts) and either
 * refused (403, audited and alerted) or forwarded as it was. A body that cannot be judged (too large, not JSON) is
 * refused: fail closed.
 */
export async function forwardInspected(req: FastifyRequest, reply: FastifyReply, hooks: FastifyReplyFromHooks): Promise<FastifyReply> {
  const ctx = req.hic;
  const route = ctx.route as { inspect: 'content-write' | 'rename' };
  const stream = req.body as Readable | undefined;
  const raw =
    stream !== undefined && stream !== null && typeof stream.pipe === 'function' ? await readAll(stream, MAX_INSPECTED_BYTES) : null;
  const body = parse(raw);
  const limits = ctx.project!.routes.contents;
  const refusal = route.inspect === 'rename' ? judgeRename(ctx.path, body, limits) : judgeContentWrite(ctx.path, body, limits);
  if (refusal !== null) {
    const decision = deny(refusal) as Refused;
    req.hicDecision = decision;
    return sendDenial(req, reply, decision);
  }
  return reply.from(ctx.project!.upstream + ctx.path, {
    ...hooks,
    body: raw!,
    contentType: String(req.headers['content-type'] ?? 'application/json'),
  });
}
