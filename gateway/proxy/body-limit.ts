import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { FastifyRequest } from 'fastify';

/**
 * Workspace request bodies stream through unbuffered; this bounds them (`server.maxRequestBodyBytes`). A declared
 * length is judged before anything is forwarded (`declaredTooLarge`); a chunked body, whose size nobody knows in
 * advance, is counted as it passes and cut at the limit, and the request is marked so the answer is a 413 of ours
 * rather than a failed forward.
 */
export function declaredTooLarge(req: FastifyRequest, limit: number): boolean {
  const declared = req.headers['content-length'];
  return declared !== undefined && Number(declared) > limit;
}

export class BodyTooLargeError extends Error {
  readonly code = 'BODY_TOO_LARGE';
  readonly statusCode = 413;
  constructor() {
    super('request body over the limit');
  }
}

/** The payload as it should reach the forwarder: as it is when its length was declared (Node holds it to that). */
export function boundedPayload(req: FastifyRequest, payload: Readable, limit: number): Readable {
  if (req.headers['content-length'] !== undefined) return payload;
  let seen = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen <= limit) return callback(null, chunk);
      // The rest is never read: the refusal closes the connection (an endless body cannot be drained).
      req.hicBodyTooLarge = true;
      payload.unpipe(counter);
      callback(new BodyTooLargeError());
    },
  });
  payload.on('error', (err) => counter.destroy(err));
  return payload.pipe(counter);
}
