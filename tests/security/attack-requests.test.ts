import t from 'tap';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { rawTls } from '../helpers/client.js';

/**
 * The attack suite's "requests" class (issue 11), over real TLS against a running gateway: spoofed forwarding
 * headers, Host tricks, duplicate and oversized headers, CL/TE smuggling, slow clients and huge bodies. Each attack
 * is checked where it would matter: the status the client gets, what the workspace received, and that the gateway
 * still serves afterwards. Timeouts are set short in this gateway's config so slow-client tests end in seconds.
 */
const pki = await makePki();
const gw = await startTestGateway({ pki, server: { headersTimeoutSeconds: 2, requestTimeoutSeconds: 4, maxRequestBodyBytes: 64 * 1024 } });
t.teardown(() => gw.close());
const cert = await pki.terminal('rq-1');
await gw.addTerminal('rq-1', cert);
const creds = await gw.addUser('ren');
const client = gw.client(cert);
const { hostname: gatewayHost, port } = new URL(gw.url);

/** Every request the workspace received (method and URL), to show what an attack did or did not get through. */
const reached: string[] = [];
gw.workspace.server.on('request', (req: IncomingMessage) => reached.push(`${req.method} ${req.url}`));

const raw = (request: string) => rawTls(gw.url, pki.caBundle, cert, request, { halfClose: false });
const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? 0);
/** The body of a raw answer, de-chunked when the gateway streamed it. */
function bodyOf(answer: string): string {
  const split = answer.indexOf('\r\n\r\n');
  const head = answer.slice(0, split);
  let rest = answer.slice(split + 4);
  if (!/\r\ntransfer-encoding: chunked/i.test(head)) return rest;
  let body = '';
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return body;
    body += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 4 + size);
  }
}
/** Answers in the order the gateway sent them (a smuggled second request would show up as a second answer). */
const statusesOf = (answer: string) => [...answer.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

function openTls(): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(
      { host: '127.0.0.1', port: Number(port), ca: pki.caBundle, cert: cert.cert, key: cert.key, servername: 'localhost' },
      () => resolve(socket),
    );
    socket.on('error', reject);
  });
}

/** Waits for the server to close the socket; resolves with what it said first and how long it took (bounded). */
function closedByServer(socket: TLSSocket, boundMs: number): Promise<{ answer: string; ms: number; closed: boolean }> {
  const start = Date.now();
  return new Promise((resolve) => {
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ answer, ms: Date.now() - start, closed: false });
    }, boundMs);
    socket.on('data', (c: Buffer) => (answer += c.toString('utf8')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ answer, ms: Date.now() - start, closed: true });
    });
  });
}

t.test('log in (every attack below carries a valid session, the strongest position)', async (t) => {
  t.equal(await gw.login(client, 'ren', creds), 201);
});

t.test('forwarding-headers-spoofed: the workspace sees the peer address the gateway saw, never the client-sent ones', async (t) => {
  const res = await client.fetch('/headers', {
    headers: {
      'x-forwarded-for': '203.0.113.9',
      forwarded: 'for=203.0.113.9;host=evil.example',
      'x-forwarded-host': 'evil.example',
      'x-real-ip': '203.0.113.9',
      'x-forwarded-proto': 'http',
    },
  });
  t.equal(res.status, 200);
  const seen = res.json() as Record<string, string>;
  t.equal(seen['x-forwarded-for'], '127.0.0.1', 'exactly the TCP peer');
  t.equal(seen['x-forwarded-proto'], 'https');
  t.equal(seen.forwarded, undefined);
  t.equal(seen['x-forwarded-host'], undefined);
  t.equal(seen['x-real-ip'], undefined);
});

t.test("host-tricks: whatever Host the client sends, the workspace sees the gateway's public origin", async (t) => {
  const cookie = client.cookieHeader();
  const expected = `${gatewayHost}:${port}`;
  for (const host of ['evil.example', `${gatewayHost}:${port}@evil.example`, 'localhost:1', '127.0.0.1']) {
    const answer = await raw(`GET /headers HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
    t.equal(statusOf(answer), 200, host);
    const seen = JSON.parse(bodyOf(answer)) as Record<string, string>;
    t.equal(seen.host, expected, `Host ${host} → the workspace sees ${expected}`);
    // The workspace's own `Connection: keep-alive` once overrode the client's `Connection: close` (hop-by-hop).
    t.notMatch(answer, /\r\n(keep-alive|connection: keep-alive)/i, "the workspace's hop-by-hop headers are not relayed");
  }
  const missing = await raw(`GET /headers HTTP/1.1\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`);
  t.equal(statusOf(missing), 400, 'HTTP/1.1 without Host: 400');
  // Node keeps the first of two Host headers; the gateway never uses the client's Host (not for routing, not for
  // redirects, not forwarded), so a second one, even one naming the gateway, changes nothing the workspace sees.
  const twice = await raw(
    `GET /headers HTTP/1.1\r\nHost: evil.example\r\nHost: ${expected}\r\nCookie: ${cookie}\r\nConnection: close\r\n\r\n`,
  );
  t.equal(statusOf(twice), 200, 'two Host headers');
  t.equal(
    (JSON.parse(bodyOf(twice)) as Record<string, string>).host,
    expected,
    "the workspace sees the gateway's Host, neither of the two",
  );
  // A redirect built from the client's Host would send the browser away: the login redirect stays relative.
  const anonymous = await raw(`GET /_hic/ HTTP/1.1\r\nHost: evil.example\r\nAccept: text/html\r\nConnection: close\r\n\r\n`);
  const location = /\r\nlocation: ([^\r]+)/i.exec(anonymous)?.[1] ?? '';
  t.match(location, /^\/_hic\/login/, `the login redirect is relative (${location})`);
});

t.test('duplicate-headers: a second Origin, Content-Length or identity header wins nothing', async (t) => {
  const cookie = client.cookieHeader();
  const origin = gw.url;
  const before = reached.length;
  const twoOrigins = await raw(
    `PUT /api/contents/notes.py HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\nCookie: ${cookie}\r\nOrigin: ${origin}\r\nOrigin: https://evil.example\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
  );
  t.equal(statusOf(twoOrigins), 403, 'two Origin headers: refused, the evil one is not ignored');
  t.match(twoOrigins, /"error":"FORBIDDEN"/, "the gateway's refusal, not the workspace's answer");
  const twoLengths = await raw(
    `POST /upload HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\nCookie: ${cookie}\r\nOrigin: ${origin}\r\nContent-Length: 4\r\nContent-Length: 40\r\nConnection: close\r\n\r\nabcd`,
  );
  t.equal(statusOf(twoLengths), 400, 'two different Content-Length headers: 400');
  t.equal(reached.length, before, 'neither reached the workspace');
  const identity = await raw(
    `GET /headers HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\nCookie: ${cookie}\r\nX-Hic-User: admin\r\nX-Hic-User: root\r\nx_hic_user: root\r\nConnection: close\r\n\r\n`,
  );
  t.equal(statusOf(identity), 200);
  const seen = JSON.parse(bodyOf(identity)) as Record<string, string>;
  t.equal(seen['x-hic-user'], 'ren', "the identity header is the gateway's, once");
  t.equal(seen.x_hic_user, undefined);
});

t.test('oversized-headers: 431, nothing forwarded, the gateway goes on serving', async (t) => {
  const cookie = client.cookieHeader();
  const before = reached.length;
  const big = await raw(
    `GET /headers HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\nCookie: ${cookie}\r\nX-Pad: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
  );
  t.equal(statusOf(big), 431, 'one 20 KB header');
  const many = Array.from({ length: 1_000 }, (_, i) => `X-H${i}: ${'b'.repeat(20)}\r\n`).join('');
  t.equal(
    statusOf(await raw(`GET /headers HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\nCookie: ${cookie}\r\n${many}Connection: close\r\n\r\n`)),
    431,
    'a thousand small ones',
  );
  t.equal(reached.length, before, 'nothing reached the workspace');
  t.equal((await client.fetch('/api/status')).status, 200, 'still serving');
});

t.test('cl-te-smuggling: every framing trick is a 400 and the smuggled request never reaches the workspace', async (t) => {
  const cookie = client.cookieHeader();
  const head = `Host: ${gatewayHost}:${port}\r\nCookie: ${cookie}\r\nOrigin: ${gw.url}\r\n`;
  const smuggled = `GET /files/a.csv HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\nCookie: ${cookie}\r\n\r\n`;
  const attacks: Array<[string, string]> = [
    [
      'CL.TE',
      `POST /upload HTTP/1.1\r\n${head}Content-Length: ${5 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
    ],
    ['TE.CL', `POST /upload HTTP/1.1\r\n${head}Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n${smuggled}\r\n0\r\n\r\n`],
    ['TE obfuscated (xchunked)', `POST /upload HTTP/1.1\r\n${head}Transfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\nabcd`],
    ['TE with a space before the colon', `POST /upload HTTP/1.1\r\n${head}Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n${smuggled}`],
    [
      'TE chunked then identity',
      `POST /upload HTTP/1.1\r\n${head}Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n\r\n0\r\n\r\n${smuggled}`,
    ],
    ['bare LF line ends', `POST /upload HTTP/1.1\n${head.replaceAll('\r\n', '\n')}Transfer-Encoding: chunked\n\n0\n\n${smuggled}`],
  ];
  for (const [name, request] of attacks) {
    const before = reached.length;
    const answer = await raw(request);
    t.equal(statusesOf(answer)[0], 400, `${name}: 400`);
    t.equal(statusesOf(answer).length, 1, `${name}: one answer, no second request read from the body`);
    t.notOk(
      reached.slice(before).some((r) => r.includes('/files/')),
      `${name}: the smuggled GET /files/a.csv never reached the workspace`,
    );
  }
  t.equal((await client.fetch('/api/status')).status, 200, 'still serving');
});

t.test('slow-clients: a request head or body sent a byte at a time is cut at the configured bound', async (t) => {
  const idle = await openTls();
  const silent = await closedByServer(idle, 10_000);
  t.ok(silent.closed, `a connection that never sends a request is closed (${silent.ms} ms; bound 2 s, checked each second)`);

  const drip = await openTls();
  drip.write(`GET /api/status HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\n`);
  const dripping = setInterval(() => drip.writable && drip.write('X-A: b\r\n'), 500);
  const head = await closedByServer(drip, 10_000);
  clearInterval(dripping);
  t.ok(head.closed, `slowloris (one header line every 500 ms) is cut (${head.ms} ms)`);
  t.equal(statusOf(head.answer), 408, 'with a 408');

  const body = await openTls();
  body.write(
    `POST /upload HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\nCookie: ${client.cookieHeader()}\r\nOrigin: ${gw.url}\r\nContent-Length: 1000\r\n\r\nabc`,
  );
  const trickle = setInterval(() => body.writable && body.write('x'), 500);
  const slowBody = await closedByServer(body, 12_000);
  clearInterval(trickle);
  t.ok(slowBody.closed, `a body sent a byte every 500 ms is cut (${slowBody.ms} ms; request bound 4 s)`);
  t.equal((await client.fetch('/api/status')).status, 200, 'still serving');
});

t.test('huge-bodies: over the limit is a 413 of the gateway, declared or chunked, and the workspace gets nothing', async (t) => {
  const cookie = client.cookieHeader();
  const before = reached.length;
  const declared = await raw(
    `POST /upload HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\nCookie: ${cookie}\r\nOrigin: ${gw.url}\r\nAccept: application/json\r\nContent-Length: 10000000000\r\n\r\n${'x'.repeat(1000)}`,
  );
  t.equal(statusOf(declared), 413, 'a declared 10 GB body: 413 before anything is forwarded');
  t.match(declared, /"error":"PAYLOAD_TOO_LARGE".*"reason":"body-too-large"/);
  t.match(declared, /\r\nconnection: close/i, 'and the connection closes (the rest is never read)');
  t.equal(reached.length, before, 'the workspace got nothing');

  // Chunked: nobody knows the size in advance; the gateway counts and cuts.
  const chunk = 'y'.repeat(16 * 1024);
  const chunks = Array.from({ length: 8 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
  const chunked = await raw(
    `POST /upload HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\nCookie: ${cookie}\r\nOrigin: ${gw.url}\r\nAccept: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}0\r\n\r\n`,
  );
  t.equal(statusOf(chunked), 413, 'a chunked 128 KB body over a 64 KB limit: 413');
  t.notMatch(chunked, /"received"/, 'the workspace never answered it');

  const under = await client.fetch('/upload', {
    method: 'POST',
    body: 'z'.repeat(32 * 1024),
    headers: { origin: gw.url, 'content-type': 'application/octet-stream' },
  });
  t.equal(under.status, 200, 'under the limit: forwarded');
  t.equal(under.json().received, 32 * 1024, 'whole');

  const loginBody = JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024), password: 'p' });
  const login = await raw(
    `POST /_hic/api/session HTTP/1.1\r\nHost: ${gatewayHost}:${port}\r\nContent-Type: application/json\r\nOrigin: ${gw.url}\r\nContent-Length: ${loginBody.length}\r\n\r\n${loginBody}`,
  );
  t.equal(statusOf(login), 413, "a 2 MB login body: 413 (the gateway's own endpoints stop at 1 MiB)");
  t.notMatch(login, /at [\w.<>]+ \(|node:internal/, 'no stack trace');

  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.kind === 'access' && l.path === '/upload' && l.status === 413 && l.reason === 'body-too-large'),
    'audited as body-too-large',
  );
  t.equal((await client.fetch('/api/status')).status, 200, 'still serving');
});
