import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { Agent, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Redis } from 'ioredis';
import type { TlsFiles } from '../pki.js';
import type { RunningTarget } from './types.js';

/** Packages of the comparison target. They are devDependencies; when absent the target is skipped, not failed. */
export const EXPRESS_PACKAGES = ['express', 'http-proxy-middleware', 'express-session', 'connect-redis'] as const;

/* The packages are loaded by name at run time, untyped on purpose: the project must compile without them. */
type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any
type Next = (err?: unknown) => void;

async function load(name: string): Promise<Any | null> {
  try {
    const mod = (await import(name)) as Any;
    return mod.default ?? mod;
  } catch {
    return null;
  }
}

/**
 * "What a Node team would typically write": express 5 + http-proxy-middleware + express-session with connect-redis,
 * idle timeout done the usual way (`rolling: true`, so every request re-reads and re-touches the session in
 * Redis), the client certificate checked from `socket.authorized`. Same TLS settings as the other targets.
 * `POST /login {"user": "…"}` creates a session without a password check: login is not what this target measures.
 */
export async function startExpressAlternative(
  upstream: string,
  tls: TlsFiles,
  redisUrl: string,
  prefix: string,
): Promise<RunningTarget | { skipped: string }> {
  const [express, proxyMod, session, connectRedis] = await Promise.all(EXPRESS_PACKAGES.map(load));
  const missing = EXPRESS_PACKAGES.filter((_, i) => [express, proxyMod, session, connectRedis][i] === null);
  if (missing.length > 0)
    return { skipped: `express alternative skipped: packages not installed: ${missing.join(', ')} (npm i -D ${missing.join(' ')})` };
  const createProxyMiddleware = proxyMod.createProxyMiddleware ?? proxyMod.default?.createProxyMiddleware;
  const RedisStore = connectRedis.RedisStore ?? connectRedis;
  const redis = new Redis(redisUrl);
  const sessions = session({
    store: new RedisStore({ client: redis, prefix: `${prefix}sess:` }),
    secret: randomBytes(32).toString('hex'),
    name: 'sid',
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { secure: true, httpOnly: true, sameSite: 'strict', maxAge: 20 * 60 * 1000 },
  });
  // Without an agent http-proxy sends `connection: close` upstream and passes the upstream's `connection: close`
  // back, so every client request would pay a new TLS handshake. A keep-alive agent is the documented fix.
  const agent = new Agent({ keepAlive: true, maxSockets: 128 });
  const forward = createProxyMiddleware({ target: upstream, ws: false, changeOrigin: false, agent });
  const app = express();
  app.disable('x-powered-by');
  app.use((req: IncomingMessage, res: Any, next: Next) =>
    (req.socket as TLSSocket).authorized ? next() : res.status(403).end('terminal certificate required'),
  );
  app.use(sessions);
  app.post('/login', express.json(), (req: Any, res: Any, next: Next) =>
    req.session.regenerate((err: unknown) => {
      if (err) return next(err);
      req.session.user = String(req.body?.user ?? '');
      req.session.terminal = (req.socket as TLSSocket).getPeerCertificate().fingerprint256;
      return res.status(201).json({ user: req.session.user });
    }),
  );
  app.use((req: Any, res: Any, next: Next) => (req.session?.user ? next() : res.status(401).json({ error: 'NOT_AUTHENTICATED' })));
  app.use(forward);
  const server: Server = createServer(
    {
      cert: readFileSync(tls.certFile),
      key: readFileSync(tls.keyFile),
      ca: readFileSync(tls.caFile),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    app,
  );
  // WebSocket upgrades: the session is parsed by hand, as in the usual express-session + ws recipe.
  server.on('upgrade', (req: IncomingMessage & { session?: Any }, socket: Duplex, head: Buffer) => {
    sessions(req, {}, () => {
      if ((req.socket as TLSSocket).authorized && req.session?.user) forward.upgrade(req, socket, head);
      else socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      redis.disconnect();
    },
  };
}
