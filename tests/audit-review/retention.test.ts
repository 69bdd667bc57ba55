import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSigningKey, openAuditLog } from '../../gateway/audit/index.js';
import { retentionReport } from '../../gateway/audit-review/retention.js';
import { ManualClock } from '../../gateway/core/clock.js';
import { createRedisStores } from '../../gateway/stores/redis/index.js';
import type { Project } from '../../gateway/stores/types.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';
import { hic } from './helpers.js';

/** LOG-2: a day file may be archived a year after the end of every project it names; nothing is deleted. */
const DAY = 86_400_000;
const now = Date.now();
const root = t.testdir();
const dir = join(root, 'audit');
const { privateKey } = await loadOrCreateSigningKey(join(root, 'keys'));
const clock = new ManualClock(now - 800 * DAY);
const log = await openAuditLog({ dir, instanceId: 'gw-r', signingKey: privateKey, clock });
const days: Record<string, string> = {};
/** One day file per case: the lines of `projects` (null = a line without project), `ago` days back. */
async function dayWith(name: string, ago: number, projects: (string | null)[]): Promise<void> {
  clock.set(now - ago * DAY);
  for (const project of projects) await log.security({ event: 'login-success', user: 'u', project });
  days[name] = `gw-r/${new Date(clock.now()).toISOString().slice(0, 10)}.jsonl`;
}
await dayWith('ended', 700, ['p-old', 'p-old']);
await dayWith('mixed', 600, ['p-old', 'p-live']);
await dayWith('unknown', 500, ['p-gone']);
await dayWith('no-project', 450, [null]);
await dayWith('recent', 100, [null]);
await log.close();

const project = (id: string, status: Project['status'], endedAt?: number): Project => ({
  id,
  name: id,
  upstream: 'http://127.0.0.1:1',
  networks: ['10.0.0.0/8'],
  pollingPaths: [],
  startsAt: null,
  endsAt: null,
  status,
  createdAt: 0,
  ...(endedAt !== undefined ? { endedAt } : {}),
});
const projects = [project('p-old', 'ended', now - 400 * DAY), project('p-live', 'active')];

t.test('verdict per day file', async (t) => {
  const report = new Map((await retentionReport(dir, projects, now)).map((e) => [e.file, e]));
  t.match(report.get(days['ended']!), { archivable: true, projects: ['p-old'] });
  t.match(report.get(days['mixed']!), { archivable: false, projects: ['p-live', 'p-old'], why: /p-live has not ended/ });
  t.match(report.get(days['unknown']!), { archivable: false, why: /p-gone is not in the store/ });
  t.match(report.get(days['no-project']!), { archivable: true, projects: [], why: /no project/ });
  t.match(report.get(days['recent']!), { archivable: false, why: /keep until/ });
  // p-old ended 400 days ago: its files became archivable 35 days ago, not at the end of the project.
  const from = Date.parse(report.get(days['ended']!)!.archivableFrom!);
  t.equal(from, now - 400 * DAY + 365 * DAY);
});

t.test('the CLI reads the projects from the store and lists what may be archived', async (t) => {
  const prefix = testPrefix('retention');
  const stores = await createRedisStores({ url: REDIS_URL, prefix });
  t.teardown(async () => {
    await stores.close();
    await dropPrefix(prefix);
  });
  for (const p of projects) await stores.projects.put(p);
  const res = await hic(['audit', 'retention', dir, '--json'], {
    HIC_HOME: mkdtempSync(join(tmpdir(), 'hic-cli-home-')),
    REDIS_URL,
    HIC_STORE_PREFIX: prefix,
  });
  t.equal(res.code, 0, res.stderr);
  t.same(
    res
      .json()
      .files.map((f: { file: string }) => f.file)
      .sort(),
    [days['ended'], days['no-project']].sort(),
  );
  t.equal(res.json().total, 5);
  const all = await hic(['audit', 'retention', dir, '--all'], {
    HIC_HOME: mkdtempSync(join(tmpdir(), 'hic-cli-home-')),
    REDIS_URL,
    HIC_STORE_PREFIX: prefix,
  });
  t.match(all.stdout, /keep\s+p-gone/);
  t.match(all.stdout, /2 of 5 day file\(s\) may be archived/);
});
