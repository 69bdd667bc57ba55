import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { sendDenial } from '../http/deny-response.js';
import { deny } from '../request-path/decision.js';
import type { Refused } from '../http/refusal.js';
import type { Runtime } from '../runtime.js';
import { boundedPayload, declaredTooLarge } from './body-limit.js';
import { forwardQuery } from './forward-query.js';
import { downstreamHeaders, upstreamHeaders } from './headers.js';
import { isBodilessStatus, isHeldAnswer, sendBodiless, sendHeldAnswer } from './held-answer.js';
import { forwardInspected } from './inspect-body.js';
import { sendScrubbedPage } from './scrub-page.js';

/**
 * Stage 6 — forward (HTTP). Runs only after the request path allowed the request (the onRequest hook in
 * server.ts); sends it to the session's own project upstream (AC-4), on the canonical path that was judged, with the
 * client's `token` parameters removed. Bodies are streamed, never parsed, except where the profile says only the
 * body can tell (proxy/inspect-body.ts).
 */
export async function registerHttpProxy(app: FastifyInstance, rt: Runtime): Promise<void> {
  await app.register(replyFrom, {
    undici: { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 },
    disableRequestLogging: true,
  });
  app.removeAllContentTypeParsers();
  const maxBody = rt.config.server.maxRequestBodyBytes;
  app.addContentTypeParser('*', (req, payload, done) => done(null, boundedPayload(req, payload, maxBody)));
  const forward = forwardOptions(rt);
  app.all('/*', (req, reply) => {
    const ctx = req.hic;
    // A gateway path that no handler took (`/_hic/nope`, `OPTIONS /_hic/api/session`): a 404 of the gateway's own,
    // never the workspace's.
    if (ctx.target !== 'workspace') return refuse(req, reply, deny('gateway-path-unknown') as Refused);
    if (declaredTooLarge(req, maxBody)) return refuseBody(req, reply);
    const route = ctx.route;
    if (route !== null && 'inspect' in route) {
      return forwardInspected(req, reply, forward.plain).catch((err: unknown) => {
        if (req.hicBodyTooLarge) return refuseBody(req, reply);
        throw err;
      });
    }
    return reply.from(ctx.project!.upstream + ctx.path, route === null ? forward.plain : forward.bounded);
  });
}

// reply-from types its hooks for any raw server; this gateway is HTTP/1.1 over TLS only.
type AnyRequest = FastifyRequest<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- see above
type AnyReply = FastifyReply<any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- see above

function refuse(req: AnyRequest, reply: AnyReply, decision: Refused): AnyReply {
  req.hicDecision = decision;
  return sendDenial(req as FastifyRequest, reply as FastifyReply, decision);
}

/** 413: the unread rest of the body is never drained (it may not end), so the connection closes after the answer. */
function refuseBody(req: AnyRequest, reply: AnyReply): AnyReply {
  reply.header('connection', 'close');
  return refuse(req, reply, deny('body-too-large') as Refused);
}

/**
 * Refuses instead of the workspace's answer, whose headers reply-from has already copied onto the reply: they are
 * dropped first, so the refusal page does not go out with the workspace's length or type.
 */
function refuseAnswer(reply: AnyReply, reason: 'workspace-unavailable' | 'download-blocked'): AnyReply {
  for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
  return refuse(reply.request, reply, deny(reason) as Refused);
}

/** The workspace failed mid-answer: a whole 502 page. Module-level, so no closure is made for each answer. */
function unavailable(reply: AnyReply): AnyReply {
  return refuseAnswer(reply, 'workspace-unavailable');
}

/**
 * One options object per kind of forwarding, made once (reply-from only reads them): no closure and no object
 * allocated per request. reply-from passes the Fastify request, which carries the request context.
 */
function forwardOptions(rt: Runtime): { plain: FastifyReplyFromHooks; bounded: FastifyReplyFromHooks } {
  const plain: FastifyReplyFromHooks = {
    rewriteRequestHeaders: (req, headers) => upstreamHeaders(headers, req.hic, rt.origins) as typeof headers,
    rewriteHeaders: (headers) => downstreamHeaders(headers),
    queryString: (_search, _url, req) => forwardQuery(req.hic.query),
    // The workspace is down or not answering: a 502 page of our own ("workspace unavailable"), audited as such.
    onError: (reply) => {
      if (reply.sent) return;
      if (reply.request.hicBodyTooLarge) refuseBody(reply.request, reply);
      else refuse(reply.request, reply, deny('workspace-unavailable') as Refused);
    },
    // Pages of a workspace that holds a credential are scrubbed of it; everything else streams as it comes.
    onResponse: (req, reply, res) => {
      if (isBodilessStatus(res.statusCode)) {
        sendBodiless(reply as FastifyReply, res.stream as Readable);
        return;
      }
      const secret = req.hic.project!.upstreamSecret;
      const headers = (res as unknown as { headers: Record<string, string | undefined> }).headers;
      if (secret === null || !headers['content-type']?.startsWith('text/html')) {
        if (isHeldAnswer(req.method, res.statusCode, headers)) sendHeldAnswer(reply as FastifyReply, res.stream as Readable, unavailable);
        else reply.send(res.stream);
        return;
      }
      const refusal = () => unavailable(reply);
      sendScrubbedPage(
        req as FastifyRequest,
        reply as FastifyReply,
        res as unknown as Parameters<typeof sendScrubbedPage>[2],
        secret,
        refusal,
      ).catch(() => {
        if (!reply.sent) refusal();
      });
    },
  };
  const bounded: FastifyReplyFromHooks = {
    ...plain,
    // Judged on the answer too: a content read of a text file passes only up to the profile's size.
    onResponse: (req, reply, res) => {
      const route = req.hic.route;
      const limit = route !== null && 'maxResponseBytes' in route ? route.maxResponseBytes : 0;
      const length = Number((res as unknown as { headers: Record<string, string | undefined> }).headers['content-length']);
      if (res.statusCode >= 300 || (Number.isFinite(length) && length <= limit)) {
        plain.onResponse!(req, reply, res);
        return;
      }
      (res.stream as { destroy?: () => void }).destroy?.();
      refuseAnswer(reply, 'download-blocked');
    },
  };
  return { plain, bounded };
}
