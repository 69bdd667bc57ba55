import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';

/**
 * Workspace answers up to this declared size are held whole and written to the client with their headers in one
 * go. Most of what a notebook page asks for (API JSON, scripts, icons) is below it; nginx's default proxy buffers
 * (8 × 4–8 KiB) hold about as much.
 */
export const HELD_ANSWER_MAX_BYTES = 64 * 1024;

/**
 * Whether an answer is held rather than streamed: a declared length within the bound (a chunked answer, an event
 * stream, has none and streams as it comes), a body to send (not HEAD, not a status without one: there the length
 * describes another answer and must be relayed as it is), and a declared type (Fastify would name one for a held
 * body; a streamed answer goes out with the workspace's headers exactly).
 */
export function isHeldAnswer(method: string, status: number, headers: Record<string, string | string[] | undefined>): boolean {
  if (method === 'HEAD' || isBodilessStatus(status)) return false;
  if (typeof headers['content-type'] !== 'string') return false;
  const length = Number(headers['content-length']);
  return length >= 0 && length <= HELD_ANSWER_MAX_BYTES;
}

/**
 * Reads a held answer's body and sends it as one buffer. Why: streamed, every answer pays for a pipe, two
 * end-of-stream watchers and a header write per header; for a 1 KB answer that was an eighth of the gateway's CPU per
 * request (docs/performance.md). HTTP/1.1 framing ends the body at the declared length, so memory is bounded by it.
 * A workspace that fails mid-body gets `fail(reply)` (a whole 502 page instead of a truncated 200); a client that leaves
 * first stops the read, as the streamed path does.
 */
export function sendHeldAnswer(reply: FastifyReply, body: Readable, fail: (reply: FastifyReply) => unknown): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const client = reply.raw;
  // `on`, not `once`: each fires at most once here, and `once` would wrap every listener in a closure of its own.
  const abandon = () => body.destroy();
  client.on('close', abandon);
  body.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
  });
  body.on('end', () => {
    client.removeListener('close', abandon);
    reply.send(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
  });
  body.on('error', () => {
    client.removeListener('close', abandon);
    if (!reply.sent && !client.destroyed) fail(reply);
  });
}

/** Statuses whose answers never have a body (RFC 9110 15.2, 15.3.5, 15.3.6, 15.4.5), whatever their headers say. */
export function isBodilessStatus(status: number): boolean {
  return status < 200 || status === 204 || status === 205 || status === 304;
}

/**
 * Sends a bodiless answer with the workspace's headers and nothing after them. Its body stream is drained, never
 * sent: undici takes a 304's `Content-Length` (the length of the answer it stands for, RFC 9110 8.6) for its own
 * and fails the empty body, which as a stream payload became a 500.
 */
export function sendBodiless(reply: FastifyReply, body: Readable): void {
  body.on('error', () => {});
  body.resume();
  reply.send();
}
