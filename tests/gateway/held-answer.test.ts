import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { request } from 'node:https';
import { join } from 'node:path';
import t from 'tap';
import { HELD_ANSWER_MAX_BYTES } from '../../gateway/proxy/held-answer.js';
import { startTestGateway } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';
import { until } from '../helpers/wait.js';

/**
 * Small workspace answers are held whole and written with their headers in one go (gateway/proxy/held-answer.ts);
 * large and unframed ones stream. Against a workspace of the test's own that sends its answers in two parts and
 * waits between them for the test's word, so the order of events shows which path an answer took.
 */
const events: string[] = [];
const waiting = new Map<string, () => void>();
const upstreamClosed = new Set<string>();
const BODY = randomBytes(6 * 1024).toString('hex'); // 12 KiB, well under the bound
const BIG = HELD_ANSWER_MAX_BYTES * 2;

/** Sends `first`, waits for release(name), then sends the rest (or breaks the connection). */
function inTwoParts(name: string, res: ServerResponse, first: string, rest: () => void): void {
  res.write(first);
  events.push(`${name}: first part sent`);
  res.once('close', () => upstreamClosed.add(name));
  waiting.set(name, () => {
    events.push(`${name}: rest sent`);
    rest();
  });
}

const workspace = createServer((req, res) => {
  const name = new URL(req.url!, 'http://x').pathname.slice(1);
  if (name === 'small') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': BODY.length, etag: '"v1"' });
    inTwoParts(name, res, BODY.slice(0, 4096), () => res.end(BODY.slice(4096)));
  } else if (name === 'big') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': BIG });
    inTwoParts(name, res, 'x'.repeat(BIG / 2), () => res.end('y'.repeat(BIG / 2)));
  } else if (name === 'chunked') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    inTwoParts(name, res, 'first', () => res.end('second'));
  } else if (name === 'broken' || name === 'stall') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 8192 });
    inTwoParts(name, res, 'z'.repeat(1000), () => res.socket!.destroy());
  } else if (name === 'not-modified') {
    // A 304 may carry the length of the answer it stands for; it has no body of its own.
    res.writeHead(304, { 'content-type': 'text/plain', 'content-length': 1234, etag: '"v1"' }).end();
  } else if (name === 'untyped') {
    res.writeHead(200, { 'content-length': 5 }).end('plain');
  } else if (name === 'head') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 4096 }).end(req.method === 'HEAD' ? undefined : 'h'.repeat(4096));
  } else {
    res.writeHead(404, { 'content-type': 'text/plain', 'content-length': 9 }).end('not found');
  }
});
await new Promise<void>((resolve) => workspace.listen(0, '127.0.0.1', resolve));
t.teardown(() => new Promise<void>((resolve) => workspace.close(() => resolve())));

const pki = await makePki();
const credentialFile = join(pki.dir, 'held-answer.token');
writeFileSync(credentialFile, 'unused-by-this-workspace\n', { mode: 0o600 });
const { port } = workspace.address() as { port: number };
const gw = await startTestGateway({ pki, upstream: { url: `http://127.0.0.1:${port}`, profile: 'demo', credentialFile } });
t.teardown(() => gw.close());
const cert = await pki.terminal('held-1');
await gw.addTerminal('held-1', cert);
const carol = await gw.addUser('carol');
const c = gw.client(cert);
t.equal(await gw.login(c, 'carol', carol), 201);

/**
 * GET `name` through the gateway; the workspace's second part is released once the first is out and the client
 * has had a moment to see headers if the gateway streamed them. Resolves with the answer and the order of events.
 */
function getInTwoParts(
  name: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, unknown>; body: string; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}/${name}`, { method, agent: c.agent, headers: { cookie: c.cookieHeader() } }, (res) => {
      events.push(`${name}: client has headers`);
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      // 'close' also comes when the gateway cuts the answer off: resolve with what arrived, and whether it was whole.
      res.on('close', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString(), complete: res.complete }),
      );
    });
    req.on('error', reject);
    req.end();
    void until(() => waiting.has(name), 5000, `the first part of /${name}`).then(() => setTimeout(() => waiting.get(name)!(), 300), reject);
  });
}

/** The access record of a request to `path` (written after the answer, so waited for). */
async function accessRecordOf(path: string): Promise<Record<string, unknown> | undefined> {
  const find = async () => (await gw.auditLines()).find((l) => l.kind === 'access' && l.path === path);
  await until(async () => (await find()) !== undefined, 5000, `the access record of ${path}`);
  return find();
}

t.test('a small answer is held until whole, then sent byte for byte with its own headers', async (t) => {
  const res = await getInTwoParts('small');
  t.equal(res.status, 200);
  t.ok(res.complete);
  t.equal(res.body, BODY, 'the body is exactly what the workspace sent');
  t.equal(res.headers['content-length'], String(BODY.length));
  t.equal(res.headers['content-type'], 'text/plain');
  t.equal(res.headers.etag, '"v1"');
  t.same(
    events.filter((e) => e.startsWith('small:')),
    ['small: first part sent', 'small: rest sent', 'small: client has headers'],
    'the client saw nothing before the workspace had sent all of it',
  );
});

t.test('an answer over the bound streams: the client has its headers before the workspace sends the rest', async (t) => {
  const res = await getInTwoParts('big');
  t.equal(res.status, 200);
  t.equal(res.body.length, BIG);
  t.equal(res.body, 'x'.repeat(BIG / 2) + 'y'.repeat(BIG / 2));
  t.same(
    events.filter((e) => e.startsWith('big:')),
    ['big: first part sent', 'big: client has headers', 'big: rest sent'],
  );
});

t.test('an answer without a declared length (chunked) streams', async (t) => {
  const res = await getInTwoParts('chunked');
  t.equal(res.body, 'firstsecond');
  t.same(
    events.filter((e) => e.startsWith('chunked:')),
    ['chunked: first part sent', 'chunked: client has headers', 'chunked: rest sent'],
  );
});

t.test('a workspace that breaks off mid-answer gives a whole 502 page, never a cut 200', async (t) => {
  const res = await getInTwoParts('broken');
  t.equal(res.status, 502);
  t.ok(res.complete, 'the page arrives whole');
  t.notOk(res.body.includes('zzz'), 'none of the partial body reaches the client');
  t.notOk(res.headers['content-length'] === '8192', "the workspace's length is not sent with the page");
  const rec = await accessRecordOf('/broken');
  t.equal(rec?.status, 502);
  t.equal(rec?.reason, 'workspace-unavailable');
});

t.test('a client that leaves while an answer is held stops the read from the workspace', async (t) => {
  const req = request(`${gw.url}/stall`, { agent: false, ca: pki.caBundle, cert: cert.cert, key: cert.key, servername: 'localhost' });
  req.setHeader('cookie', c.cookieHeader());
  req.on('error', () => {});
  req.end();
  await until(() => waiting.has('stall'), 5000, 'the first part of /stall');
  req.destroy();
  // The workspace never sends the rest: left alone, the read would wait for the upstream body timeout (300 s).
  await until(() => upstreamClosed.has('stall'), 10_000, "the gateway's closing its workspace connection");
  t.notOk(events.includes('stall: rest sent'));
  t.pass('the gateway closed its workspace connection');
});

t.test('an answer without a Content-Type streams, and gets none invented', async (t) => {
  const res = await c.fetch('/untyped');
  t.equal(res.status, 200);
  t.equal(res.body, 'plain');
  t.equal(res.headers['content-type'], undefined);
});

t.test('HEAD keeps the declared length and sends no body', async (t) => {
  const res = await c.fetch('/head', { method: 'HEAD' });
  t.equal(res.status, 200);
  t.equal(res.headers['content-length'], '4096');
  t.equal(res.body, '');
  const get = await c.fetch('/head');
  t.equal(get.body, 'h'.repeat(4096));
  t.equal(get.headers['content-length'], '4096');
});

t.test('a 304 keeps the length of the answer it stands for, and has no body', async (t) => {
  // undici takes a 304's Content-Length for its own and fails the (empty) body: that was a 500 before.
  const res = await c.fetch('/not-modified', { headers: { 'if-none-match': '"v1"' } });
  t.equal(res.status, 304);
  t.equal(res.headers['content-length'], '1234');
  t.equal(res.headers.etag, '"v1"');
  t.equal(res.body, '');
  const rec = await accessRecordOf('/not-modified');
  t.equal(rec?.status, 304);
  t.equal(rec?.reason, 'allowed');
});
