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

/** A store that does not answer, or an audit log that cannot take a flush, within this long is not ready. */
const PROBE_MS = 1_000;

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
  const [storeAnswers, auditWrites] = await Promise.all([storeAnswering(rt), auditWritable(rt)]);
  const checks = {
    store: (storeAnswers ? 'ok' : 'unavailable') as Check,
    audit: (auditWrites ? 'ok' : 'failed') as Check,
    config: (reload.ok ? 'ok' : 'reload-failed') as Check,
    lifecycle: (rt.draining ? 'draining' : 'ok') as Check,
  };
  const ready = Object.values(checks).every((c) => c === 'ok');
  return { ready, checks, ...(reload.ok ? {} : { reloadProblems: reload.problems }) };
}

/**
 * Reachable = connected, and a round trip on the deployment's own keys answers in time: a connection can look up
 * while the server does not answer (paused, overloaded; on Cluster, the master of our hash slot down or the
 * cluster refusing commands), and every request then fails closed.
 */
async function storeAnswering(rt: Runtime): Promise<boolean> {
  if (!rt.stores.healthy()) return false;
  return rt.stores.probe === undefined || succeedsWithin(rt.stores.probe(), PROBE_MS);
}

/** Writable = a flush (write queued lines + fsync) succeeds in time; a failed or closed log throws at once. */
function auditWritable(rt: Runtime): Promise<boolean> {
  return succeedsWithin(rt.audit.flush(), PROBE_MS);
}

async function succeedsWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      work.then(
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
