import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { readAuditLines } from '../../gateway/audit/index.js';
import { hic } from '../audit-review/helpers.js';
import { TerminalClient, wsOutcome } from '../helpers/client.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { download, startDemoProcess, until, type Outcome } from './helpers.js';

/**
 * Issue 14, graceful shutdown, on a real `hic start` process (Redis store, real TLS): SIGTERM under load lets every
 * begun response finish (none cut mid-body, one held open by a slow reader included), closes WebSockets with 1001,
 * exits 0 well inside the timeout, and leaves an audit log that `hic audit verify` (with the checkpoints published
 * to Redis) finds clean. A second SIGTERM exits at once.
 */
/** A store namespace per gateway process: each demo seeds its own CA's terminals and its own workspace URL. */
function freshPrefix(t: Test): string {
  const prefix = testPrefix('shutdown');
  t.teardown(() => dropPrefix(prefix));
  return prefix;
}

async function loggedIn(demo: any): Promise<TerminalClient> {
  const term = demo.terminals[0];
  const client = new TerminalClient(demo.url, readFileSync(demo.caCertPem, 'utf8'), {
    cert: readFileSync(term.certPem, 'utf8'),
    key: readFileSync(term.keyPem, 'utf8'),
  });
  const res = await client.fetch('/_hic/api/session', {
    method: 'POST',
    body: { username: demo.analyst.username, password: demo.analyst.password, totp: currentTotp(demo.analyst.totpSecret, Date.now()) },
  });
  if (res.status !== 201) throw new Error(`login: ${res.status} ${res.body}`);
  return client;
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

t.test('SIGTERM under load: begun responses complete, WebSockets get 1001, the audit log verifies', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'hic-shutdown-'));
  const prefix = freshPrefix(t);
  const gw = await startDemoProcess(home, { REDIS_URL, HIC_STORE_PREFIX: prefix });
  t.teardown(() => void (gw.child.exitCode === null && gw.child.signalCode === null && gw.child.kill('SIGKILL')));
  const client = await loggedIn(gw.demo);
  t.teardown(() => client.close());
  const cookie = client.cookieHeader();

  const sockets = await Promise.all([wsOutcome(client.websocket('/echo')), wsOutcome(client.websocket('/echo'))]);
  t.same(
    sockets.map((s) => s.status),
    [101, 101],
    'two WebSockets open',
  );
  const codes = sockets.map((s) => closeCode(s.ws));

  // Load: four loops of 256 KB pages on keep-alive connections, until the gateway stops answering.
  const outcomes: Outcome[] = [];
  let stop = false;
  const loops = Array.from({ length: 4 }, async () => {
    while (!stop) {
      const out = await download(`${gw.demo.url}/bytes?kb=256`, client.agent, cookie);
      outcomes.push(out);
      if (!out.headers) return; // refused or reset before any response: the gateway is gone
    }
  });
  await until(() => outcomes.filter((o) => o.status === 200).length >= 20, 30_000, 'load to run');
  // A slow response: the workspace sends half of 1 MiB, then the rest 1.5 s later, so it is mid-body at SIGTERM.
  let held!: () => void;
  const holding = new Promise<void>((r) => (held = r));
  const slow = download(`${gw.demo.url}/bytes?kb=1024&pauseMs=1500`, client.agent, cookie, { onFirstChunk: () => held() });
  await holding;
  const signalledAt = Date.now();
  gw.child.kill('SIGTERM');

  const exit = await gw.exited;
  stop = true;
  await Promise.all(loops);
  const slowOutcome = await slow;
  t.equal(exit.code, 0, `exit 0 (${gw.stderr().trim()})`);
  t.ok(exit.at - signalledAt < 10_000, `stopped ${exit.at - signalledAt} ms after SIGTERM, inside the 20 s timeout`);
  t.ok(exit.at - signalledAt >= 1_000, 'it waited for the slow response');
  t.match(
    slowOutcome,
    { status: 200, headers: true, complete: true, bytes: 1024 * 1024, error: null },
    'the response in flight at SIGTERM completed',
  );
  const begun = outcomes.filter((o) => o.headers);
  t.ok(begun.length >= 20, `${begun.length} responses began`);
  t.same(
    begun.filter((o) => !o.complete || o.error !== null || (o.status !== 200 && o.status !== 503)),
    [],
    'no begun response was cut mid-body',
  );
  t.same(await Promise.all(codes), [1001, 1001], 'both WebSockets closed with 1001 (going away)');
  t.match(gw.stderr(), /stopped in \d+ ms \(drain \d+ ms; 2 WebSocket\(s\) closed with 1001/);

  // Every answered request is on disk: the slow download's access record was written during the drain.
  const dir = gw.demo.auditDir as string;
  let big = 0;
  for await (const { entry } of readAuditLines(dir)) if (entry['path'] === '/bytes' && entry['status'] === 200) big += 1;
  t.equal(big, outcomes.filter((o) => o.status === 200).length + 1, 'one access record per 200 answered, the slow one included');
  const verify = await hic(['audit', 'verify', dir, '--key', join(dir, 'keys', 'audit-signing.pub.pem'), '--json'], {
    HIC_HOME: mkdtempSync(join(tmpdir(), 'hic-cli-')),
    REDIS_URL,
    HIC_STORE_PREFIX: prefix,
  });
  t.equal(verify.code, 0, `hic audit verify: ${verify.stdout}`);
  t.same(verify.json().findings, []);
  t.ok(verify.json().publishedCheckpoints >= 1, 'compared with the checkpoints published to Redis');
});

t.test('a second SIGTERM exits at once, even with a request still in flight', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'hic-shutdown2-'));
  const prefix = freshPrefix(t);
  const gw = await startDemoProcess(home, { REDIS_URL, HIC_STORE_PREFIX: prefix });
  t.teardown(() => void (gw.child.exitCode === null && gw.child.signalCode === null && gw.child.kill('SIGKILL')));
  const client = await loggedIn(gw.demo);
  t.teardown(() => client.close());
  let held!: () => void;
  const holding = new Promise<void>((r) => (held = r));
  const slow = download(`${gw.demo.url}/bytes?kb=1024&pauseMs=30000`, client.agent, client.cookieHeader(), { onFirstChunk: () => held() });
  await holding;
  gw.child.kill('SIGTERM');
  await until(() => gw.stderr().includes('shutting down'), 5_000, 'the first signal to be taken');
  const again = Date.now();
  gw.child.kill('SIGTERM');
  const exit = await gw.exited;
  t.equal(exit.code, 1, 'exit 1: stopped without finishing');
  t.ok(exit.at - again < 3_000, `exited ${exit.at - again} ms after the second SIGTERM`);
  t.match(gw.stderr(), /SIGTERM again: exiting at once/);
  const out = await slow;
  t.match(out, { headers: true, complete: false, length: 1024 * 1024 }, 'the held response was cut (that is what a second signal means)');
});
