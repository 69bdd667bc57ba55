import type { FastifyInstance } from 'fastify';
import { IDLE_JS, PASSWORD_RULES_JS } from '../pages/scripts.js';
import { STYLE_CSS } from '../pages/style.js';

const FILES: Record<string, { type: string; body: string }> = {
  'style.css': { type: 'text/css; charset=utf-8', body: STYLE_CSS },
  'idle.js': { type: 'text/javascript; charset=utf-8', body: IDLE_JS },
  'password-rules.js': { type: 'text/javascript; charset=utf-8', body: PASSWORD_RULES_JS },
};

/** The gateway's static files: one stylesheet and the two page scripts (no CDN, nothing from elsewhere). */
export function registerStatic(app: FastifyInstance): void {
  for (const [name, file] of Object.entries(FILES)) {
    app.get(`/_hic/static/${name}`, async (_req, reply) =>
      reply.type(file.type).header('cache-control', 'public, max-age=3600').header('x-content-type-options', 'nosniff').send(file.body),
    );
  }
}
