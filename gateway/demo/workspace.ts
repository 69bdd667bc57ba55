import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { type ContentsStore, demoContents, handleContents } from './contents-api.js';

/**
 * A small stand-in for a project workspace: HTML at `/`, a WebSocket echo at `/echo`, a polling endpoint
 * (`/api/status`), a Jupyter-like contents API (`/api/contents/…`, demo/contents-api.ts), a sized body
 * (`/bytes?kb=N[&pauseMs=M]`, for load and shutdown tests) and `/headers` showing what the gateway sent.
 */
export interface DemoWorkspace {
  url: string;
  /** The files of the contents API (`a.csv` …), for tests to look at what an import placed. */
  files: ContentsStore;
  server: Server;
  close(): Promise<void>;
}

const ONE_KB = 'x'.repeat(1024);

function home(req: IncomingMessage): string {
  const user = String(req.headers['x-hic-user'] ?? '(none)').replace(/[<>&"]/g, '');
  const project = String(req.headers['x-hic-project'] ?? '(none)').replace(/[<>&"]/g, '');
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>Demo workspace</title></head>
<body><h1>デモ解析環境 / Demo workspace</h1><p>user: <b id="user">${user}</b> project: <b id="project">${project}</b></p>
<p><a href="/_hic/logout">ログアウト / Log out</a></p></body></html>`;
}

/**
 * Starts the demo workspace. With `token`, like a Jupyter started with a token, it answers only requests that
 * present `Authorization: token <token>` (401 otherwise, and upgrades are cut): the gateway holds the token.
 */
export async function startDemoWorkspace(port = 0, host = '127.0.0.1', opts: { token?: string } = {}): Promise<DemoWorkspace> {
  const expected = opts.token === undefined ? null : `token ${opts.token}`;
  const authorised = (req: IncomingMessage) => expected === null || req.headers.authorization === expected;
  const files = demoContents();
  const server = createServer((req, res) => {
    if (!authorised(req)) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"token required"}');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://workspace');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(home(req));
    } else if (url.pathname.startsWith('/files/')) {
      // Like Jupyter's /files/: raw file bytes (the demo profile refuses this route).
      res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': 'attachment' }).end('patient_id,count\n1,3\n');
    } else if (handleContents(req, res, files)) {
      // the contents API (demo/contents-api.ts): reviewed exports read from it, approved imports write to it
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (url.pathname === '/api/status') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else if (url.pathname === '/headers') {
      // What the gateway sent, the credential excepted (it proved itself by getting this far).
      const { authorization: _credential, ...seen } = req.headers;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...seen, ':url': req.url }));
    } else if (url.pathname === '/bytes') {
      const kb = Math.min(Math.max(Number(url.searchParams.get('kb') ?? '1') | 0, 0), 10_240);
      // pauseMs: the second half comes that much later (≤ 30 s), so a response is mid-body for a while (shutdown tests).
      const pauseMs = Math.min(Math.max(Number(url.searchParams.get('pauseMs') ?? '0') | 0, 0), 30_000);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': kb * 1024 });
      const half = pauseMs > 0 ? kb >> 1 : kb;
      for (let i = 0; i < half; i++) res.write(ONE_KB);
      const rest = () => {
        for (let i = half; i < kb; i++) res.write(ONE_KB);
        res.end();
      };
      if (pauseMs > 0) setTimeout(rest, pauseMs).unref();
      else rest();
    } else if (url.pathname === '/upload' && req.method === 'POST') {
      let n = 0;
      req
        .on('data', (c: Buffer) => (n += c.length))
        .on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: n })));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (!req.url?.startsWith('/echo') || !authorised(req)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // `?headers=1`: first tell what the upgrade looked like (the gateway must show one origin on HTTP and WebSocket).
      if (req.url?.includes('headers=1'))
        ws.send(JSON.stringify({ host: req.headers.host, origin: req.headers.origin ?? null, url: req.url }));
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    files,
    server,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
