import t from 'tap';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { dropPrefix, testPrefix } from '../helpers/redis.js';

/**
 * Issue 14, found: projects of the config file were created only when absent, so a changed upstream (or profile) in
 * the file was silently ignored once the project existed. Two starts on one Redis namespace, each with its own
 * workspace URL (and credential file) for project 'alpha': the second start applies them, says so in the audit log,
 * and requests reach the new workspace; what the operators' commands own (status, usage period) is kept.
 */
const pki = await makePki();
const prefix = testPrefix('project-sync');
t.teardown(() => dropPrefix(prefix));

t.test('a changed upstream in the config file are applied at start, audited, and used', async (t) => {
  const first = await startTestGateway({ pki, store: 'redis', prefix });
  const oldUpstream = first.workspace.url;
  await first.gw.rt.stores.projects.put({ ...(await first.gw.rt.stores.projects.get('alpha'))!, endsAt: Date.UTC(2099, 0, 1) });
  await first.close();

  const second = await startTestGateway({ pki, store: 'redis', prefix });
  t.teardown(() => second.close());
  t.not(second.workspace.url, oldUpstream, 'the second start names another workspace');
  const stored = (await second.gw.rt.stores.projects.get('alpha'))!;
  t.match(
    stored,
    { upstream: second.workspace.url, endsAt: Date.UTC(2099, 0, 1), status: 'active' },
    'config fields applied, the usage period kept',
  );
  t.equal(second.gw.rt.projects.get('alpha')!.upstream, second.workspace.url, 'the compiled table uses it');
  const applied = (await second.auditLines()).filter((l) => l['action'] === 'project.config-applied');
  t.match(applied, [
    { event: 'staff-action', by: 'config-file', project: 'alpha', changes: { upstream: [oldUpstream, second.workspace.url] } },
  ]);

  const cert = await pki.terminal('sync-1');
  await second.addTerminal('sync-1', cert);
  const creds = await second.addUser('sam');
  const c = second.client(cert);
  t.equal(await second.login(c, 'sam', creds), 201);
  const res = await c.fetch('/', { headers: { accept: 'text/html' } });
  t.equal(res.status, 200, 'proxied to the new workspace');
  t.match(res.body, /<b id="user">sam<\/b>/);
});

t.test('an unchanged config changes nothing and records nothing', async (t) => {
  const gw = await startTestGateway({ pki, store: 'redis', prefix: testPrefix('project-sync-same') });
  t.teardown(() => gw.close());
  t.same(
    (await gw.auditLines()).filter((l) => l['action'] === 'project.config-applied'),
    [],
  );
});
