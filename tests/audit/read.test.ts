import t from 'tap';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAuditLines } from '../../gateway/audit/index.js';
import type { AuditLine, AuditLineFilter } from '../../gateway/audit/index.js';
import { DAY_FILE, T0, fixture } from './fixtures/helpers.js';

t.test('readAuditLines streams parsed lines and filters them', async (t) => {
  const root = t.testdir();
  const a = await fixture(root, 'gw-a');
  const b = await fixture(root, 'gw-b');
  const logA = await a.open();
  const logB = await b.open();
  logA.access({ user: 'u1', project: 'p1' });
  await logA.security({ event: 'login', user: 'u1' });
  a.clock.advance(86_400_000);
  logA.access({ user: 'u2', project: 'p1' });
  logB.access({ user: 'u1', project: 'p2' });
  await logA.close();
  await logB.close();
  appendFileSync(join(a.dir, 'gw-a', DAY_FILE), 'garbage\n');

  const all = async (filter?: AuditLineFilter): Promise<AuditLine[]> => {
    const out: AuditLine[] = [];
    for await (const l of readAuditLines(a.dir, filter)) out.push(l);
    return out;
  };
  t.equal((await all()).length, 4, 'garbage is skipped (the verifier reports it)');
  t.match(await all({ where: { user: 'u1' } }), [
    { file: `gw-a/${DAY_FILE}`, line: 1, entry: { seq: 1, project: 'p1' } },
    { file: `gw-a/${DAY_FILE}`, line: 2, entry: { seq: 2, event: 'login' } },
    { file: `gw-b/${DAY_FILE}`, line: 1, entry: { instance: 'gw-b', project: 'p2' } },
  ]);
  t.match(await all({ kind: 'security' }), [{ entry: { event: 'login' } }]);
  t.match(await all({ instance: 'gw-a', since: T0 + 1000 }), [{ file: 'gw-a/2025-04-01.jsonl', entry: { user: 'u2' } }]);
  t.equal((await all({ until: new Date(T0 + 1000) })).length, 3);
  t.same(await all({ instance: 'nope' }), []);
});
