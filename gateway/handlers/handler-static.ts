import type { FastifyInstance } from 'fastify';
import { STYLE_CSS } from '../pages/style.js';

export function registerStatic(app: FastifyInstance): void {
  app.get('/_hic/static/style.css', async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').header('x-content-type-options', 'nosniff').send(STYLE_CSS),
  );
}
