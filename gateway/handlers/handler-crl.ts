import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HicError } from '../core/errors.js';
import type { Runtime } from '../runtime.js';
import { gatewayAuthority } from '../terminals/ca-source.js';
import { crlDer, servableCrl } from '../terminals/index.js';

/** The CRL distribution point (RFC 5280 4.2.1.13): DER, as the URL written into certificates should be. */
export const CRL_PATH = '/_hic/crl';
/** The same CRL as PEM, for people and `openssl crl`. */
export const CRL_PEM_PATH = '/_hic/crl.pem';

/**
 * True for the two CRL reads. They pass the onRequest hook without a terminal certificate (server.ts): relying
 * parties outside the gateway must be able to fetch the CRL, which is public and signed by the issuing CA.
 */
export function isCrlRequest(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && (path === CRL_PATH || path === CRL_PEM_PATH);
}

/**
 * Serves the last published CRL from the shared store, re-signing it first when it is older than a day and this
 * instance holds the CA. `no-cache`: relying parties revalidate, so a revocation reaches them on their next
 * fetch (ETag = cRLNumber).
 */
export function registerCrl(app: FastifyInstance, rt: Runtime): void {
  const handler = (pem: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!rt.stores.healthy()) throw new HicError('STORE_UNAVAILABLE');
    const crl = await servableCrl({ stores: rt.stores, clock: rt.clock, authority: await gatewayAuthority(rt) });
    if (crl === null) throw new HicError('NOT_FOUND', 'no CRL has been published yet');
    const etag = `"crl-${crl.number}"`;
    reply
      .header('cache-control', 'no-cache')
      .header('etag', etag)
      .header('last-modified', new Date(crl.thisUpdate).toUTCString())
      .header('expires', new Date(crl.nextUpdate).toUTCString());
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    // RFC 2585 section 4: application/pkix-crl for DER CRLs served over HTTP.
    if (pem) return reply.type('application/x-pem-file').send(crl.pem);
    return reply.type('application/pkix-crl').send(crlDer(crl.pem));
  };
  app.get(CRL_PATH, handler(false));
  app.get(CRL_PEM_PATH, handler(true));
}
