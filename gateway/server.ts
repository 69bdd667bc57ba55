import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { errorCatalogue, isHicError } from './core/errors.js';
import { registerApiSession } from './handlers/handler-api-session.js';
import { registerIdleApi } from './handlers/handler-api-idle.js';
import { registerLoginForm } from './handlers/handler-login-form.js';
import { registerEnrol } from './handlers/handler-enrol.js';
import { registerLogout } from './handlers/handler-logout.js';
import { registerPassword } from './handlers/handler-password.js';
import { registerReset } from './handlers/handler-reset.js';
import { registerStatic } from './handlers/handler-static.js';
import { isCrlRequest } from './handlers/handler-crl.js';
import { HEALTH_PATH, isOpsRequest, registerHealth } from './handlers/handler-health.js';
import { registerStaffApi } from './handlers/staff-api.js';
import { registerStaffPages } from './handlers/staff-pages.js';
import { accessRecord, requestBytes } from './audit/access-record.js';
import { registerExportPages } from './handlers/handler-exports-pages.js';
import { registerImportPage } from './handlers/handler-imports-page.js';
import { registerReviewPages } from './handlers/handler-review-pages.js';
import { sendDenial } from './http/deny-response.js';
import type { Refused } from './http/refusal.js';
import { deny } from './request-path/decision.js';
import { wantsJson } from './http/request-kind.js';
import { sendPage } from './http/send-page.js';
import { pickLang, text } from './pages/i18n.js';
import { esc, page } from './pages/layout.js';
import { registerHttpProxy } from './proxy/http.js';
import { handleUpgrades } from './proxy/websocket.js';
import type { Decision, RequestContext } from './request-path/index.js';
import { newContext, runGatewayPagePath, runRequestPath } from './request-path/index.js';
import type { Runtime } from './runtime.js';

declare module 'fastify' {
  interface FastifyRequest {
    hic: RequestContext;
    hicDecision: Decision;
    hicBytesAtStart: number;
    /** A chunked body passed `server.maxRequestBodyBytes` while streaming (proxy/body-limit.ts). */
    hicBodyTooLarge: boolean;
  }
}

export interface TlsMaterial {
  cert: string;
  key: string;
  ca: string;
}

/**
 * Builds the gateway: an HTTPS server that asks every client for a certificate but lets the request path — not
 * the handshake — decide, so a missing or wrong certificate gets a readable page instead of a browser error.
 */
export async function buildServer(rt: Runtime, tls: TlsMaterial): Promise<FastifyInstance> {
  const app = Fastify({
    https: {
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: rt.config.tls.minVersion,
      // Slow clients (config schema: server.headersTimeoutSeconds): the handshake and the request head each get
      // this long; Node checks its timers once per interval (default 30 s, which would stretch a 20 s bound to 50).
      handshakeTimeout: rt.config.server.headersTimeoutSeconds * 1000,
      headersTimeout: rt.config.server.headersTimeoutSeconds * 1000,
      connectionsCheckingInterval: 1000,
    },
    requestTimeout: rt.config.server.requestTimeoutSeconds * 1000,
    logger: false,
    trustProxy: false,
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    forceCloseConnections: true,
  });

  app.decorateRequest('hic', null as never);
  app.decorateRequest('hicDecision', null as never);
  app.decorateRequest('hicBytesAtStart', 0);
  app.decorateRequest('hicBodyTooLarge', false);

  // Every request is classified from its target before any stage (request-path/context.ts), and each class has its
  // own answer: an ambiguous target is refused at once; gateway pages need a registered terminal on an approved
  // network; everything else is a workspace request and needs the whole path. There is no way in that skips this.
  // A callback hook, not async: in steady state the path decides synchronously and the request goes on in the
  // same turn, without a promise (docs/performance.md). A denial sends the reply and does not call done().
  app.addHook('onRequest', (req, reply, done) => {
    const socket = req.raw.socket as TLSSocket;
    req.hicBytesAtStart = socket.bytesWritten;
    const ctx = newContext(socket, req.method, req.url, req.headers);
    req.hic = ctx;
    if (ctx.target === 'invalid') {
      const refusal = deny('path-invalid') as Refused;
      req.hicDecision = refusal;
      sendDenial(req, reply, refusal);
      return;
    }
    // Probes and metrics (handlers/handler-health.ts): loopback and staff networks, no terminal certificate.
    if (isOpsRequest(req.method, ctx.path, socket.remoteAddress, rt)) {
      req.hicDecision = { allow: true, reason: 'health-check' };
      return done();
    }
    // The CRL distribution point (RFC 5280 4.2.1.13) must be readable by relying parties without a terminal
    // certificate; it is public, signed data. GET/HEAD of its two exact paths only (handlers/handler-crl.ts).
    if (isCrlRequest(req.method, ctx.path)) {
      req.hicDecision = { allow: true, reason: 'crl-distribution' };
      return done();
    }
    const gatewayPage = ctx.target === 'gateway';
    const decided = (decision: Decision): void => {
      req.hicDecision = gatewayPage && decision.allow ? { allow: true, reason: 'gateway-page' } : decision;
      if (decision.allow) done();
      else sendDenial(req, reply, decision);
    };
    const decision = gatewayPage ? runGatewayPagePath(ctx, rt) : runRequestPath(ctx, rt);
    if (decision instanceof Promise) decision.then(decided).catch(done);
    else decided(decision);
  });

  // Stage 6 — audit: one access record per request, written after the response without delaying it.
  app.addHook('onResponse', (req, reply, done) => {
    writeAccessRecord(rt, req, reply);
    rt.metrics.requests.observe(req.hicDecision?.allow ?? false, req.hicDecision?.reason ?? 'error', reply.elapsedTime);
    done();
  });

  // A store failure (Redis down) is a 503 that the client may retry, never a 500 and never a pass (fail closed).
  app.setErrorHandler((err, req, reply) =>
    sendError(rt.stores.healthy() ? err : { code: 'STORE_UNAVAILABLE', statusCode: 503 }, req, reply),
  );
  app.setNotFoundHandler((req, reply) => sendError({ code: 'NOT_FOUND', statusCode: 404 }, req, reply));

  // Liveness for the container's health check: loopback only, no certificate, reveals only store health.
  app.get(HEALTH_PATH, async (_req, reply) => {
    const healthy = rt.stores.healthy();
    return reply
      .code(healthy ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: healthy ? 'ok' : 'store-unavailable' });
  });

  // Two scopes: pages take HTML forms (CSRF token checked per form); the API takes JSON only, so a cross-site
  // HTML form (urlencoded, multipart, text/plain) cannot reach it (CSRF).
  await app.register(async (gateway) => {
    let api!: FastifyInstance;
    await gateway.register(async (scope) => {
      scope.removeContentTypeParser('text/plain');
      api = scope;
      registerApiSession(scope, rt);
      registerHealth(scope, rt);
      registerStaffApi(scope, rt);
      registerIdleApi(scope, rt);
    });
    await gateway.register(async (pages) => {
      await pages.register(formbody);
      registerStatic(pages);
      registerLoginForm(pages, rt);
      registerLogout(pages, rt);
      registerPassword(pages, api, rt);
      registerEnrol(pages, api, rt);
      registerReset(pages, api, rt);
      registerStaffPages(pages, rt);
      registerExportPages(pages, rt);
      registerImportPage(pages, rt);
      registerReviewPages(pages, rt);
    });
  });
  await app.register(async (proxy) => registerHttpProxy(proxy, rt));

  handleUpgrades(rt, app.server as unknown as Server);
  return app;
}

function writeAccessRecord(rt: Runtime, req: FastifyRequest, reply: FastifyReply): void {
  const ctx = req.hic;
  if (!ctx) return;
  // The context's socket, not req.raw.socket: Node detaches that from a response that closes its connection (a
  // request whose body was still arriving when the workspace answered), and the record must still be written.
  const socket = ctx.socket;
  const record = accessRecord(ctx, {
    method: req.method,
    status: reply.statusCode,
    bytesIn: requestBytes(req.raw),
    bytes: socket.bytesWritten - req.hicBytesAtStart,
    durationMs: Math.round(reply.elapsedTime * 100) / 100,
    reason: req.hicDecision?.reason ?? 'error',
    fallbackAddress: socket.remoteAddress,
  });
  rt.audit.access(record);
  if (record.session !== null) rt.volume.add(record.session, record.bytesIn + record.bytes, record);
}

/** Errors become a precise 4xx/5xx with a stable code; never a stack trace. */
function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  let status = 500;
  let code = 'INTERNAL';
  let message = 'An internal error occurred.';
  if (isHicError(err)) {
    status = err.status;
    code = err.code;
    message = err.detail ?? err.message;
  } else if (typeof err === 'object' && err !== null) {
    const e = err as { statusCode?: number; code?: string; validation?: unknown; message?: string };
    if (e.code === 'STORE_UNAVAILABLE') {
      status = 503;
      code = 'STORE_UNAVAILABLE';
      message = errorCatalogue.STORE_UNAVAILABLE.message;
    } else if (e.code === 'NOT_FOUND') {
      status = 404;
      code = 'NOT_FOUND';
      message = errorCatalogue.NOT_FOUND.message;
    } else if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || e.statusCode === 415) {
      status = 415;
      code = 'UNSUPPORTED_MEDIA_TYPE';
      message = errorCatalogue.UNSUPPORTED_MEDIA_TYPE.message;
    } else if (e.validation || (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)) {
      status = e.statusCode ?? 400;
      code = status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST';
      message = e.validation ? `Invalid request: ${e.message}` : (e.message ?? errorCatalogue.BAD_REQUEST.message);
    } else if (e.statusCode === 502 || e.statusCode === 503 || e.statusCode === 504) {
      status = 502;
      code = 'UPSTREAM_UNAVAILABLE';
      message = errorCatalogue.UPSTREAM_UNAVAILABLE.message;
    }
  }
  if (status >= 500 && code === 'INTERNAL')
    process.emitWarning(`hic: ${req.method} ${req.hic?.path}: ${(err as Error)?.stack ?? String(err)}`);
  if (reply.sent) return reply;
  if (wantsJson(req.url, req.headers)) return reply.code(status).header('cache-control', 'no-store').send({ error: code, message });
  const lang = pickLang(req.headers);
  const body = status === 404 ? text.notFound[lang] : status === 503 ? text.unavailable[lang] : message;
  return sendPage(reply, status, page(lang, String(status), `<h1>${status}</h1><p>${esc(body)}</p>`));
}
