import { readFileSync } from 'node:fs';
import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';
import type { TlsFiles } from '../pki.js';
import { UNDICI_POOL, type RunningTarget } from './types.js';

/**
 * The baseline: Fastify 5 + @fastify/http-proxy with exactly the gateway's TLS settings (same certificate, same
 * CA, `requestCert` without rejecting at the handshake, same minimum version) and no checks at all.
 */
export async function startBareProxy(upstream: string, tls: TlsFiles): Promise<RunningTarget> {
  const app = Fastify({
    https: {
      cert: readFileSync(tls.certFile, 'utf8'),
      key: readFileSync(tls.keyFile, 'utf8'),
      ca: readFileSync(tls.caFile, 'utf8'),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    logger: false,
    forceCloseConnections: true,
  });
  await app.register(proxy, { upstream, websocket: true, undici: { ...UNDICI_POOL }, disableRequestLogging: true });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { url: `https://127.0.0.1:${port}`, close: () => app.close() };
}
