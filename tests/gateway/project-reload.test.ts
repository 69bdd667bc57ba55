import t from 'tap';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { compileProject } from '../../gateway/runtime.js';
import type { Project } from '../../gateway/stores/types.js';

/**
 * Fail-closed configuration edges (issue 11, item 4): an unknown workspace profile or an unreadable credential is a
 * configuration error, never a project without rules; a reload that fails keeps the last good state, says so
 * (readiness: rt.projectsReload), logs and alerts.
 */
const base: Project = {
  id: 'p',
  name: 'p',
  upstream: 'http://127.0.0.1:9',
  networks: ['127.0.0.0/8'],
  pollingPaths: [],
  startsAt: null,
  endsAt: null,
  status: 'active',
  createdAt: 0,
};

t.test('compiling a project fails closed and names the problem', async (t) => {
  t.throws(() => compileProject({ ...base, profile: 'jupyter-lab-9' }), /project p: unknown workspace profile "jupyter-lab-9"/);
  t.throws(
    () => compileProject({ ...base, profile: 'jupyter-notebook-6.4' }),
    /project p: profile jupyter-notebook-6.4 needs a credential file/,
  );
  const dir = t.testdir({});
  const file = join(dir, 'token');
  writeFileSync(file, 'abc\n');
  chmodSync(file, 0o644);
  t.throws(
    () => compileProject({ ...base, profile: 'demo', credentialFile: file }),
    /must be readable by its owner only \(chmod 600\), is 644/,
  );
  t.throws(() => compileProject({ ...base, profile: 'demo', credentialFile: join(dir, 'missing') }), /not found or not readable/);
  chmodSync(file, 0o600);
  const ok = compileProject({ ...base, profile: 'demo', credentialFile: file });
  t.equal(ok.upstreamAuthorization, 'token abc');
  t.notMatch(JSON.stringify(ok.record), /abc/, 'the project record holds the path, never the secret');
  const generic = compileProject(base);
  t.equal(generic.upstreamAuthorization, null, 'a project without a profile gets the generic profile and no credential');
  t.ok(generic.routes.mayUpgrade('/anything'), 'generic: any path may upgrade (documented)');
});

const pki = await makePki();
const gw = await startTestGateway({ pki, profile: 'demo' });
t.teardown(() => gw.close());
const cert = await pki.terminal('pr-1');
await gw.addTerminal('pr-1', cert);
const creds = await gw.addUser('nao');

t.test('a failed reload keeps the last good project, says so, and alerts', async (t) => {
  const rt = gw.gw.rt;
  const c = gw.client(cert);
  t.equal(await gw.login(c, 'nao', creds), 201);
  t.same(rt.projectsReload.ok, true);
  const stored = (await rt.stores.projects.get('alpha'))!;
  await rt.stores.projects.put({ ...stored, profile: 'no-such-profile', networks: ['10.9.9.0/24'] });
  await rt.stores.events.publish({ type: 'project-changed', project: 'alpha' });
  await t.resolveMatch(
    waitFor(() => rt.projectsReload.ok === false),
    true,
    'the reload failure is visible',
  );
  t.match(rt.projectsReload.problems.join(' '), /project alpha: unknown workspace profile "no-such-profile"/);
  const dl = await c.fetch('/files/a.csv', { headers: { accept: 'application/json' } });
  t.equal(dl.status, 403, 'the last good rules still refuse downloads');
  t.equal(dl.json().reason, 'download-blocked');
  t.equal(
    (await c.fetch('/api/status', { headers: { accept: 'application/json' } })).status,
    200,
    'and the last good networks still serve',
  );
  const lines = await gw.auditLines();
  t.ok(
    lines.some((l) => l.event === 'alert' && l.type === 'config-reload-failed' && /no-such-profile/.test(String(l.summary))),
    'alerted',
  );
  await rt.stores.projects.put(stored);
  await rt.stores.events.publish({ type: 'project-changed', project: 'alpha' });
  await t.resolveMatch(
    waitFor(() => rt.projectsReload.ok === true),
    true,
    'a good reload clears it',
  );
});

async function waitFor(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  return check();
}
