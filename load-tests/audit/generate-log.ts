/**
 * Writes a synthetic audit dir for measuring `hic audit search` (issue 5: "fast on a year of logs; state the
 * measured speed on a generated 10-million-line log"). Lines are real chain lines (seq, prev = SHA-256 of the
 * line before), spread evenly over `--days` day files of one instance, with the fields the gateway writes:
 * ~96 % access records, the rest logins, session ends and failed logins.
 *
 *   node dist/load-tests/audit/generate-log.js --out /tmp/hic-audit-10m --lines 10000000 [--days 365]
 *       [--projects 20] [--users 400] [--start 2024-04-01]
 *
 * Deterministic (a fixed PRNG), so the numbers in the README can be reproduced.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GENESIS, composeLine, hashLine } from '../../gateway/audit/line-format.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    lines: { type: 'string', default: '10000000' },
    days: { type: 'string', default: '365' },
    projects: { type: 'string', default: '20' },
    users: { type: 'string', default: '400' },
    start: { type: 'string', default: '2024-04-01' },
    instance: { type: 'string', default: 'gw-bench-1' },
  },
});
if (!values.out) throw new Error('--out DIR is required');
const total = Number(values.lines);
const days = Number(values.days);
const projects = Number(values.projects);
const users = Number(values.users);
const start = Date.parse(`${values.start}T00:00:00Z`);
const instanceDir = join(values.out, values.instance!);
mkdirSync(instanceDir, { recursive: true, mode: 0o700 });

let seed = 0x2545f491;
/** xorshift32: fast and reproducible. */
function rand(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}
/** Hex as the gateway writes it (SHA-256 fingerprints and session ids): uniformly distributed digits. */
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const userName = (u: number): string => `u${String(u).padStart(4, '0')}`;
const projectOf = (u: number): string => `p-${String(u % projects).padStart(3, '0')}`;
const terminals = Array.from({ length: users }, (_, u) => sha(`terminal-${u}`));
const terminalOf = (u: number): string => terminals[u] as string;
const addressOf = (u: number): string => `10.${u % projects}.${(u >> 4) % 256}.${(u % 200) + 10}`;
let sessions: string[] = [];
const sessionOf = (u: number): string => sessions[u] as string;
const PATHS = ['/lab/api/contents/work', '/lab/api/kernels', '/api/status', '/lab/tree/analysis.ipynb', '/static/lab/main.js'];

const perDay = Math.ceil(total / days);
const instanceJson = JSON.stringify(values.instance);
let seq = 0;
let prev = GENESIS;
const began = Date.now();
for (let day = 0; day < days && seq < total; day++) {
  const dayStart = start + day * 86_400_000;
  sessions = Array.from({ length: users }, (_, u) => sha(`session-${u}-${day}`));
  const file = `${new Date(dayStart).toISOString().slice(0, 10)}.jsonl`;
  const out = createWriteStream(join(instanceDir, file), { mode: 0o600 });
  const n = Math.min(perDay, total - seq);
  let pending: string[] = [];
  for (let i = 0; i < n; i++) {
    const time = new Date(dayStart + Math.floor((i * 86_400_000) / n)).toISOString();
    const u = rand(users);
    const roll = rand(1000);
    const common = { user: userName(u), session: sessionOf(u), project: projectOf(u), terminal: terminalOf(u), address: addressOf(u) };
    let kind: 'access' | 'security' = 'access';
    let body: Record<string, unknown>;
    if (roll < 15) {
      kind = 'security';
      body = { event: 'login-success', via: 'api', ...common, roles: ['analyst'], terminalId: `t-${u}` };
    } else if (roll < 30) {
      kind = 'security';
      body = {
        event: 'session-end',
        reason: roll % 2 ? 'logout' : 'idle-timeout',
        ...common,
        terminalId: `t-${u}`,
        loginAt: time,
        durationMs: rand(3_600_000),
      };
    } else if (roll < 40) {
      kind = 'security';
      body = {
        event: 'login-failed',
        stage: 'password',
        reason: 'wrong-password',
        failures: 1,
        user: userName(u),
        terminalId: `t-${u}`,
        terminal: common.terminal,
        address: common.address,
      };
    } else {
      const denied = roll >= 990;
      body = {
        ...common,
        method: roll % 7 === 0 ? 'POST' : 'GET',
        path: PATHS[roll % PATHS.length],
        status: denied ? 403 : 200,
        bytes: rand(20000),
        durationMs: rand(5000) / 100,
        reason: denied ? 'network-not-approved' : 'allowed',
      };
    }
    seq += 1;
    const line = composeLine(seq, prev, time, instanceJson, kind, JSON.stringify(body));
    prev = hashLine(line);
    pending.push(line);
    if (pending.length === 2000) {
      if (!out.write(pending.join('\n') + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
      pending = [];
    }
  }
  if (pending.length > 0) out.write(pending.join('\n') + '\n');
  await new Promise<void>((r) => out.end(() => r()));
}
process.stdout.write(`${seq} lines in ${days} day files under ${instanceDir} (${((Date.now() - began) / 1000).toFixed(1)} s)\n`);
