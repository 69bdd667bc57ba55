import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig, validateConfig } from '../../gateway/config/load.js';
import { redisAuth, redisTarget } from '../../gateway/stores/index.js';

/** Issue 14: the store section for Redis Sentinel and Cluster; passwords only from owner-only files. */
const dir = mkdtempSync(join(tmpdir(), 'hic-cfg-ha-'));
for (const f of ['c.pem', 'k.pem', 'ca.pem']) writeFileSync(join(dir, f), 'x');
const secret = 'hunter2-never-shown';
const passwordFile = join(dir, 'redis.pw');
writeFileSync(passwordFile, `${secret}\n`, { mode: 0o600 });
chmodSync(passwordFile, 0o600);

const base = {
  server: { port: 8443 },
  tls: { certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem'), caFile: join(dir, 'ca.pem') },
  audit: { dir: join(dir, 'audit') },
  projects: [{ id: 'p1', upstream: 'http://127.0.0.1:8888', networks: ['10.0.0.0/8'] }],
};
const withStore = (store: Record<string, unknown>) => ({ ...base, store: { kind: 'redis', ...store } });

function problems(raw: unknown): string[] {
  try {
    validateConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

t.test('sentinel and cluster sections load; targets and credentials are read as the gateway reads them', async (t) => {
  const sentinel = validateConfig(
    withStore({ sentinels: ['127.0.0.1:26379', '[::1]:26380', 'sentinel-3:26379'], sentinelName: 'hicmaster', passwordFile }),
  );
  t.same(redisTarget(sentinel.store), {
    sentinels: [
      { host: '127.0.0.1', port: 26379 },
      { host: '::1', port: 26380 },
      { host: 'sentinel-3', port: 26379 },
    ],
    sentinelName: 'hicmaster',
  });
  t.same(redisAuth(sentinel.store), { password: secret }, 'the password comes from the file; the sentinels get none unless told');
  const cluster = validateConfig(withStore({ cluster: ['10.0.0.1:6379', '10.0.0.2:6379'], username: 'gw', tls: true }));
  t.same(redisTarget(cluster.store), {
    cluster: [
      { host: '10.0.0.1', port: 6379 },
      { host: '10.0.0.2', port: 6379 },
    ],
  });
  t.same(redisAuth(cluster.store), { username: 'gw', tls: {} });
  const url = validateConfig(
    withStore({ url: 'rediss://127.0.0.1:6380', tls: { caFile: join(dir, 'ca.pem'), servername: 'redis.internal' } }),
  );
  t.same(redisTarget(url.store), { url: 'rediss://127.0.0.1:6380' });
  t.same(redisAuth(url.store), { tls: { ca: Buffer.from('x'), servername: 'redis.internal' } });
});

t.test('exactly one of url, sentinels, cluster; Sentinel keys only with sentinels', async (t) => {
  t.match(problems(withStore({})), [/^store: kind redis needs one of url \(or REDIS_URL\), sentinels \(with sentinelName\) or cluster$/]);
  t.match(problems(withStore({ url: 'redis://x:6379', cluster: ['a:1'] })), [/^store: url and cluster are alternatives/]);
  t.match(problems(withStore({ sentinels: ['a:26379'] })), [/^store\.sentinelName: is required with store\.sentinels/]);
  t.same(
    problems(withStore({ cluster: ['a:6379'], sentinelName: 'm', sentinelPasswordFile: passwordFile })),
    ['store.sentinelName: only applies with store.sentinels', 'store.sentinelPasswordFile: only applies with store.sentinels'],
    'every problem named at once',
  );
});

t.test('nodes must be host:port with a real port', async (t) => {
  const found = problems(withStore({ cluster: ['localhost', 'a:b', 'http://a:1'] }));
  t.same(
    found.map((p) => p.slice(0, p.indexOf(':'))),
    ['store.cluster.0', 'store.cluster.1', 'store.cluster.2'],
    'each bad node named by its index',
  );
  t.same(problems(withStore({ sentinels: ['a:0', 'b:70000'], sentinelName: 'm' })), [
    'store.sentinels.0: port out of range in "a:0" (1-65535)',
    'store.sentinels.1: port out of range in "b:70000" (1-65535)',
  ]);
  t.same(problems(withStore({ cluster: [] })), ['store.cluster: must NOT have fewer than 1 items']);
});

t.test('a password written in the config is refused, pointing at the file setting, and never echoed', async (t) => {
  const found = problems(withStore({ cluster: ['a:6379'], password: secret, sentinelPassword: secret }));
  t.same(found, [
    'store.password: passwords are not written in the configuration; put it in a file readable by its owner only (chmod 600) and name the file in store.passwordFile',
    'store.sentinelPassword: passwords are not written in the configuration; put it in a file readable by its owner only (chmod 600) and name the file in store.sentinelPasswordFile',
  ]);
  t.notMatch(found.join('\n'), secret);
});

t.test('password and CA files must exist; a password file readable by others is refused without showing it', async (t) => {
  t.same(problems(withStore({ url: 'redis://a:6379', passwordFile: join(dir, 'nope'), tls: { caFile: join(dir, 'nope.pem') } })), [
    `store.passwordFile: file not found: ${join(dir, 'nope')}`,
    `store.tls.caFile: file not found: ${join(dir, 'nope.pem')}`,
  ]);
  const loose = join(dir, 'loose.pw');
  writeFileSync(loose, `${secret}\n`);
  chmodSync(loose, 0o644);
  const cfg = validateConfig(withStore({ url: 'redis://a:6379', passwordFile: loose }));
  const err = t.throws(() => redisAuth(cfg.store)) as unknown as Error;
  t.match(err.message, /must be readable by its owner only \(chmod 600\)/);
  t.notMatch(err.message, secret);
});

t.test('REDIS_URL on top of a Sentinel file is named as a conflict, not silently preferred', async (t) => {
  const file = join(dir, 'sentinel.json');
  writeFileSync(file, JSON.stringify(withStore({ sentinels: ['a:26379'], sentinelName: 'm' })));
  const err = t.throws(() => loadConfig(file, { REDIS_URL: 'redis://b:6379' })) as unknown as ConfigError;
  t.match(err.problems, [/^store: url and sentinels are alternatives/]);
});

t.test('the sample configurations are valid', async (t) => {
  for (const name of ['gateway.yaml', 'gateway-sentinel.yaml', 'gateway-cluster.yaml']) {
    const raw = parseYaml(readFileSync(new URL(`../../docs/examples/${name}`, import.meta.url), 'utf8')) as unknown;
    t.doesNotThrow(() => validateConfig(raw, { checkFiles: false }), name);
  }
});

t.test('compose.sentinel.yaml agrees with its sample config (no docker engine here to run `docker compose config`)', async (t) => {
  const read = (path: string) => parseYaml(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, any>;
  const compose = read('compose.sentinel.yaml');
  const sample = read('docs/examples/gateway-sentinel.yaml');
  const services = compose.services as Record<string, any>;
  for (const [name, service] of Object.entries(services)) {
    for (const dep of Object.keys(service.depends_on ?? {})) t.ok(services[dep], `${name} depends on a defined service (${dep})`);
  }
  t.ok(
    services.gateway.volumes.includes('./docs/examples/gateway-sentinel.yaml:/etc/hic/gateway.yaml:ro'),
    'the gateway mounts the Sentinel sample',
  );
  for (const node of sample.store.sentinels as string[]) {
    const [host, port] = node.split(':');
    t.ok(services[host!], `sentinel ${host} is a service`);
    t.match(
      services[host!].command.join(' '),
      new RegExp(`'port ${port}'.*'sentinel monitor ${sample.store.sentinelName} redis-master 6379 2'`),
      `${host} monitors ${sample.store.sentinelName}`,
    );
  }
});
