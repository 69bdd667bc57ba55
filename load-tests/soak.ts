/**
 * Memory soak (issue 14, item 5): many short sessions through a real gateway (TLS with terminal certificates, the
 * full request path, audit log on) — login, a few requests, then an end: logout, idle expiry, abandoned (the store
 * expires it), abandoned then a news resync — and the heap measured after a warm-up and at the end, both after a
 * full GC. Bounded by the number of sessions, not by time; not part of `npm test`.
 *
 *   npm run build && node --expose-gc dist/load-tests/soak.js [--sessions 3000] [--users 50] [--bound-mb 8]
 *
 * The gateway's clock is a ManualClock: it moves 30 s per round (each user's TOTP code is accepted once per time
 * step) and 21 min for the sessions that are to expire idle. Exit 1 when the heap grew past the bound, or when the
 * session manager still holds anything once every session has ended.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TEST_COST } from '../gateway/accounts/password-hash.js';
import { currentTotp } from '../gateway/accounts/totp.js';
import { createAccount } from '../gateway/admin/accounts.js';
import { registerTerminal } from '../gateway/admin/terminals.js';
import { startGateway } from '../gateway/bootstrap/start.js';
import { validateConfig } from '../gateway/config/load.js';
import { ManualClock } from '../gateway/core/clock.js';
import { startDemoWorkspace } from '../gateway/demo/workspace.js';
import { SESSION_COOKIE } from '../gateway/sessions/cookies.js';
import { makeBenchPki } from './pki.js';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '3000' },
    users: { type: 'string', default: '50' },
    'bound-mb': { type: 'string', default: '8' },
  },
});
const SESSIONS = Number(values.sessions);
const USERS = Number(values.users);
const BOUND_MB = Number(values['bound-mb']);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) process.stderr.write('soak: run with node --expose-gc for a meaningful heap figure\n');

const dir = mkdtempSync(join(tmpdir(), 'hic-soak-'));
const pki = await makeBenchPki(join(dir, 'pki'), 2);
const workspace = await startDemoWorkspace(0);
const clock = new ManualClock(Date.now());
const totpKey = join(dir, 'totp.key');
const config = validateConfig({
  mode: 'test',
  server: { host: '127.0.0.1', port: 0 },
  tls: { ...pki.tls, minVersion: 'TLSv1.2' },
  store: { kind: 'memory', allowMemory: true },
  secrets: { totpKeyFile: totpKey },
  audit: { dir: join(dir, 'audit'), instanceId: 'soak' },
  projects: [{ id: 'bench', upstream: workspace.url, networks: ['127.0.0.0/8'], pollingPaths: ['/api/status'] }],
});
writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
const gw = await startGateway({ config, clock, hashCost: TEST_COST });
const rt = gw.rt;
for (const t of pki.terminals) {
  await registerTerminal(rt.stores, clock, {
    id: t.id,
    site: 'soak',
    projects: ['bench'],
    fingerprint: t.fingerprint,
    serial: t.serial,
    notAfter: new Date(t.notAfter),
    requestedBy: 'soak',
  });
}
const users: Array<{ username: string; password: string; totpSecret: string }> = [];
for (let i = 0; i < USERS; i++) {
  const username = `soak${String(i).padStart(3, '0')}`;
  const created = await createAccount(rt, { username, roles: ['analyst'], project: 'bench', initial: false, enrolTotp: true });
  users.push({ username, password: created.password, totpSecret: created.totpSecret! });
}
const agents = pki.terminals.map(
  (t) => new Agent({ keepAlive: true, maxSockets: 8, cert: t.cert, key: t.key, ca: pki.caBundle, servername: 'localhost' }),
);

function call(
  agent: Agent,
  method: string,
  path: string,
  cookie?: string,
  body?: unknown,
): Promise<{ status: number; cookie: string | null }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...(cookie ? { cookie } : {}),
    ...(data ? { 'content-type': 'application/json' } : {}),
  };
  return new Promise((resolve, reject) => {
    const req = request(`${gw.url}${path}`, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        const line = [res.headers['set-cookie'] ?? []].flat().find((l) => l.startsWith(`${SESSION_COOKIE}=`));
        resolve({ status: res.statusCode ?? 0, cookie: line ? line.split(';')[0]! : null });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * How the round's sessions end. `abandoned`: the browser is closed; nobody ends the session, the store lets it
 * expire and the cache sweep drops this instance's copy. `resync`: abandoned too, and then the store's news
 * connection is re-established (`resync`: every cached copy dropped at once) — the path where the id → token index
 * used to keep every token for good.
 */
type End = 'logout' | 'idle' | 'abandoned' | 'resync';
const ENDS: End[] = ['logout', 'idle', 'abandoned', 'resync'];
let made = 0;
let unexpected = 0;

/** One round: every user logs in, makes three requests (one of them polling), and the round's sessions end. */
async function round(end: End): Promise<void> {
  clock.advance(30_000);
  const sessions = await Promise.all(
    users.slice(0, Math.min(USERS, SESSIONS - made)).map(async (u, i) => {
      const agent = agents[i % agents.length]!;
      const login = await call(agent, 'POST', '/_hic/api/session', undefined, {
        username: u.username,
        password: u.password,
        totp: currentTotp(u.totpSecret, clock.now()),
      });
      if (login.status !== 201 || !login.cookie) throw new Error(`login of ${u.username}: ${login.status}`);
      for (const path of ['/', '/api/status', '/bytes?kb=4'])
        if ((await call(agent, 'GET', path, login.cookie)).status !== 200) unexpected += 1;
      return { u, agent, cookie: login.cookie };
    }),
  );
  made += sessions.length;
  if (end === 'logout') {
    for (const s of sessions) if ((await call(s.agent, 'DELETE', '/_hic/api/session', s.cookie)).status !== 204) unexpected += 1;
  } else if (end === 'idle') {
    clock.advance(21 * 60_000);
    for (const s of sessions) if ((await call(s.agent, 'GET', '/', s.cookie)).status !== 401) unexpected += 1;
  } else if (end === 'resync') {
    await rt.stores.events.publish({ type: 'resync' });
  }
}

function heapMb(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const started = Date.now();
for (let i = 0; i < 4; i++) await round(ENDS[i % 4]!); // warm-up: JIT, pools, caches reach their working size
const warm = made;
const before = heapMb();
for (let i = 0; made < SESSIONS; i++) await round(ENDS[i % 4]!);
// Abandoned sessions leave the cache with the sweep (every 30 s, real time): wait for one, past the cache bound.
clock.advance(21 * 60_000);
for (const end = Date.now() + 40_000; rt.sessions.cachedCount > 0 && Date.now() < end;) await new Promise((r) => setTimeout(r, 250));
const after = heapMb();
const held = { cached: rt.sessions.cachedCount, indexed: rt.sessions.indexedCount, websockets: rt.sessions.socketsBySession.all().size };
const growth = after - before;
const ok = growth <= BOUND_MB && held.cached === 0 && held.indexed === 0 && unexpected === 0;
process.stdout.write(
  `soak: ${made} sessions (${warm} warm-up) of ${USERS} users, ${made * 5} requests, ${((Date.now() - started) / 1000).toFixed(1)} s; ends in turn: logout, idle expiry, abandoned, abandoned + resync\n` +
    `heap used after GC: ${before.toFixed(2)} MiB after warm-up → ${after.toFixed(2)} MiB at the end (${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MiB; bound ${BOUND_MB} MiB)\n` +
    `session manager at the end: ${held.cached} cached, ${held.indexed} indexed tokens, ${held.websockets} WebSockets; unexpected statuses: ${unexpected}\n` +
    `${ok ? 'OK' : 'FAILED'}\n`,
);
for (const a of agents) a.destroy();
await gw.close();
await workspace.close();
process.exit(ok ? 0 : 1);
