import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Runtime } from '../runtime.js';

/** Liveness for the container's own health check: loopback only (as before issue 14). */
export const HEALTH_PATH = '/_hic/health';
/** Liveness: the process answers. */
export const HEALTHZ_PATH = '/_hic/healthz';
/** Readiness: store reachable, audit log writable, last configuration reload good, not shutting down. */
export const READYZ_PATH = '/_hic/readyz';
/** Prometheus text format (prom-client). */
export const METRICS_PATH = '/_hic/metrics';

/** An audit log that cannot take a flush within this long is not writable, as far as readiness goes. */
const AUDIT_PROBE_MS = 1_000;

function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * Who may read the operations endpoints: the machine itself and the staff networks (`server.staffNetworks`), by the
 * TCP peer address — not X-Forwarded-For: probes and scrapers connect directly, and a header is not an address.
 */
export function isOpsAddress(address: string | undefined, rt: Runtime): boolean {
  return address !== undefined && (isLoopback(address) || rt.staffNetworks.has(address));
}

/**
 * True for the operations reads that pass the onRequest hook without a terminal certificate (server.ts): probes and
 * Prometheus have none. GET/HEAD of the exact paths from an allowed peer only; `/_hic/health` stays loopback-only.
 * Anything else goes through the request path like any gateway page (and the handlers check the peer again).
 */
export function isOpsRequest(method: string, path: string, address: string | undefined, rt: Runtime): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (path === HEALTH_PATH) return isLoopback(address);
  return (path === HEALTHZ_PATH || path === READYZ_PATH || path === METRICS_PATH) && isOpsAddress(address, rt);
}

type Check = 'ok' | 'unavailable' | 'failed' | 'reload-failed' | 'draining';

/** What readiness found; `ready` only when every check is ok. */
export async function readiness(
  rt: Runtime,
): Promise<{ ready: boolean; checks: Record<'store' | 'audit' | 'config' | 'lifecycle', Check>; reloadProblems?: string[] }> {
  // The last reload of the project table (runtime.ts): a failed one keeps serving the previous table, but an
  // instance whose configuration did not take is not ready until it does.
  const reload = rt.projectsReload;
  const checks = {
    store: (rt.stores.healthy() ? 'ok' : 'unavailable') as Check,
    audit: (await auditWritable(rt)) ? ('ok' as const) : ('failed' as const),
    config: (reload.ok ? 'ok' : 'reload-failed') as Check,
    lifecycle: (rt.draining ? 'draining' : 'ok') as Check,
  };
  const ready = Object.values(checks).every((c) => c === 'ok');
  return { ready, checks, ...(reload.ok ? {} : { reloadProblems: reload.problems }) };
}

/** Writable = a flush (write queued lines + fsync) succeeds in time; a failed or closed log throws at once. */
async function auditWritable(rt: Runtime): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), AUDIT_PROBE_MS)));
  try {
    return await Promise.race([
      rt.audit.flush().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Answers 403 when the peer is not allowed (the hook lets staff terminals reach any gateway page). */
function refused(req: FastifyRequest, reply: FastifyReply, rt: Runtime): boolean {
  if (isOpsAddress(req.raw.socket.remoteAddress, rt)) return false;
  void reply
    .code(403)
    .header('cache-control', 'no-store')
    .send({ error: 'FORBIDDEN', message: 'Operations endpoints answer loopback and staff networks only.' });
  return true;
}

export function registerHealth(app: FastifyInstance, rt: Runtime): void {
  app.get(HEALTHZ_PATH, async (req, reply) => {
    if (refused(req, reply, rt)) return reply;
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });
  app.get(READYZ_PATH, async (req, reply) => {
    if (refused(req, reply, rt)) return reply;
    const r = await readiness(rt);
    return reply
      .code(r.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: r.ready ? 'ready' : 'not-ready', ...r });
  });
  app.get(METRICS_PATH, async (req, reply) => {
    if (refused(req, reply, rt)) return reply;
    const text = await rt.metrics.text();
    return reply.header('content-type', rt.metrics.contentType).header('cache-control', 'no-store').send(text);
  });
}
