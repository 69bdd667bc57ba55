import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime.js';
import { upstreamHeaders } from './headers.js';
import { forwardInspected } from './inspect-body.js';

/**
 * Stage 6 — forward (HTTP). Runs only after the request path allowed the request (the onRequest hook in
 * server.ts); sends it to the session's own project upstream (AC-4). Bodies are streamed, never parsed.
 */
export async function registerHttpProxy(app: FastifyInstance, _rt: Runtime): Promise<void> {
  await app.register(replyFrom, {
    undici: { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 },
    disableRequestLogging: true,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  app.all('/*', (req, reply) => {
    if (req.hic.transfer !== null) return forwardInspected(req, reply, FORWARD);
    return reply.from(req.hic.project!.upstream + req.url, FORWARD);
  });
}

/**
 * One options object for every request (reply-from only reads it when no body is given): no closure and no
 * object allocated per request. reply-from passes the Fastify request, which carries the request context.
 */
const FORWARD: FastifyReplyFromHooks = {
  rewriteRequestHeaders: (req, headers) => upstreamHeaders(headers, req.hic) as typeof headers,
};
