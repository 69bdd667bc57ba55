import t from 'tap';
import { makePki } from '../helpers/pki.js';
import { readAuditDir, startTestGateway } from '../helpers/gateway.js';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { download } from './helpers.js';

/**
 * The drain is bounded: a response the workspace never finishes is cut at the deadline (timeout minus the audit
 * flush reserve), the report says so, and the audit log is still flushed and closed with a signed checkpoint.
 * (A request cut mid-response gets no access record today: Fastify's onResponse hook does not run for it.)
 */
const pki = await makePki();
const gw = await startTestGateway({ pki });
const cert = await pki.terminal('dl-1');
await gw.addTerminal('dl-1', cert);
const creds = await gw.addUser('dora');

t.test('a request still running at the deadline is cut; the shutdown ends in time and flushes the audit log', async (t) => {
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'dora', creds), 201);
  let begun!: () => void;
  const started = new Promise<void>((r) => (begun = r));
  const slow = download(`${gw.url}/bytes?kb=256&pauseMs=30000`, c.agent, c.cookieHeader(), { onFirstChunk: () => begun() });
  await started;
  const before = Date.now();
  const report = await gw.gw.close(1_200);
  const took = Date.now() - before;
  t.equal(report.drained, false, 'not drained: cut at the deadline');
  t.ok(report.cut >= 1, `${report.cut} connection(s) cut`);
  t.ok(report.ms >= 850 && report.ms < 1_200, `the drain took ${report.ms} ms (deadline 1200 - 300 reserve = 900 ms)`);
  t.ok(took < 3_000, `the whole shutdown took ${took} ms`);
  t.match(await slow, { status: 200, complete: false, bytes: 128 * 1024 }, 'the client saw the cut');
  t.equal(gw.gw.rt.draining, true, 'readiness says draining');
  const lines = readAuditDir(join(gw.dir, 'audit'));
  t.match(
    lines.filter((l) => l['path'] === '/_hic/api/session'),
    [{ kind: 'access', method: 'POST', status: 201 }],
    'what was answered is on disk',
  );
  const instance = readdirSync(join(gw.dir, 'audit')).find((d) => d !== 'keys')!;
  const checkpoints = readFileSync(join(gw.dir, 'audit', instance, 'checkpoints.jsonl'), 'utf8')
    .trim()
    .split('\n');
  const last = JSON.parse(Buffer.from(JSON.parse(checkpoints.at(-1)!).jws.split('.')[1], 'base64url').toString());
  t.match(last, { reason: 'close', seq: lines.length }, 'the log ends with a signed close checkpoint over its last line');
  c.close();
  await gw.workspace.close();
});
