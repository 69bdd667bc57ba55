import { connect as tlsConnect } from 'node:tls';
import { Agent, request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';

export interface ClientIdentity {
  cert?: string;
  key?: string;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json(): any;
}

/**
 * An HTTPS client that presents a terminal certificate over a real TLS handshake, keeps its connection alive
 * (so the per-connection verdict cache is exercised) and keeps cookies like a browser would.
 */
export class TerminalClient {
  readonly agent: Agent;
  readonly cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly ca: string,
    readonly identity: ClientIdentity = {},
  ) {
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 4,
      ca,
      ...(identity.cert ? { cert: identity.cert, key: identity.key } : {}),
      servername: 'localhost',
    });
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async fetch(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | object } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      if (!headers['content-type'])
        headers['content-type'] = typeof opts.body === 'string' ? 'application/x-www-form-urlencoded' : 'application/json';
    }
    if (this.cookies.size > 0 && !('cookie' in headers)) headers.cookie = this.cookieHeader();
    return new Promise((resolve, reject) => {
      const req = request(`${this.base}${path}`, { method: opts.method ?? 'GET', agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          for (const line of [res.headers['set-cookie'] ?? []].flat()) {
            const [pair] = line.split(';');
            const eq = pair!.indexOf('=');
            const name = pair!.slice(0, eq);
            const value = pair!.slice(eq + 1);
            if (/Max-Age=0/i.test(line)) this.cookies.delete(name);
            else this.cookies.set(name, value);
          }
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) });
        });
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  /** Opens a WebSocket through the gateway with this terminal's certificate and cookies. */
  websocket(path: string, headers: Record<string, string> = {}): WebSocket {
    // ws hands these to tls.connect, which takes `servername`; ws's own option type does not list it.
    const options: WebSocket.ClientOptions & { servername: string } = {
      ca: this.ca,
      ...(this.identity.cert ? { cert: this.identity.cert, key: this.identity.key } : {}),
      servername: 'localhost',
      headers: { ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}), ...headers },
    };
    return new WebSocket(`${this.base.replace(/^https/, 'wss')}${path}`, options);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Resolves with the status of a WebSocket attempt: 101 when open, else the HTTP status of the refusal. */
export function wsOutcome(ws: WebSocket): Promise<{ status: number; ws: WebSocket }> {
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, ws });
      res.resume();
    });
    ws.once('error', () => resolve({ status: 0, ws }));
  });
}

/**
 * Sends raw bytes over a real TLS connection (no URL parser in between: backslashes, absolute-form targets and
 * odd request lines reach the gateway as written) and resolves with the whole answer.
 */
export function rawTls(
  url: string,
  ca: string,
  identity: ClientIdentity,
  request: string,
  opts: { halfClose?: boolean } = {},
): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    // halfClose false: the request is written and the socket left open until the server closes it (send
    // `Connection: close`); a client that ends its side first loses answers that come from the workspace.
    const send = () => (opts.halfClose === false ? socket.write(request) : socket.end(request));
    const socket = tlsConnect(
      {
        host: '127.0.0.1',
        port: Number(port),
        ca,
        ...(identity.cert ? { cert: identity.cert, key: identity.key } : {}),
        servername: 'localhost',
      },
      send,
    );
    let out = '';
    socket.on('data', (c: Buffer) => (out += c.toString('utf8')));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}
