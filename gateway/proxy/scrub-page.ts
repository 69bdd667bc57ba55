import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';

/** Workspace pages are small (Jupyter's largest is ~20 KB); anything bigger is not a page to scrub. */
const MAX_PAGE_BYTES = 4 * 1024 * 1024;

/**
 * Jupyter writes its token into every page it renders for a logged-in user (`data-jupyter-api-token`, `?token=`
 * links), so the credential the gateway presents would reach the browser. HTML answers of a workspace that has a
 * credential are read whole, every occurrence of the secret removed, and sent with their new length. An HTML answer
 * that cannot be scrubbed (compressed, too large) is not sent: fail closed.
 */
export async function sendScrubbedPage(
  req: FastifyRequest,
  reply: FastifyReply,
  res: { headers: Record<string, string | string[] | undefined>; stream: Readable },
  secret: string,
  refuse: () => unknown,
): Promise<unknown> {
  const encoding = res.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') {
    res.stream.destroy();
    return refuse();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_PAGE_BYTES) {
      res.stream.destroy();
      return refuse();
    }
    chunks.push(chunk as Buffer);
  }
  const page = Buffer.concat(chunks).toString('utf8').split(secret).join('');
  reply.removeHeader('content-length');
  reply.removeHeader('etag');
  return reply.send(req.method === 'HEAD' ? undefined : page);
}
