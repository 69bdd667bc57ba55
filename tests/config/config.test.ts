import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ConfigError, loadConfig } from '../../gateway/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'hic-cfg-'));
for (const f of ['c.pem', 'k.pem', 'ca.pem']) writeFileSync(join(dir, f), 'x');
const good = {
  server: { port: 8443 },
  tls: { certFile: join(dir, 'c.pem'), keyFile: join(dir, 'k.pem'), caFile: join(dir, 'ca.pem') },
  store: { kind: 'redis', url: 'redis://127.0.0.1:6379' },
  session: {},
  audit: { dir: join(dir, 'audit') },
  projects: [{ id: 'p1', upstream: 'http://127.0.0.1:8888', networks: ['10.0.0.0/8'] }],
};

function write(name: string, data: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  return file;
}

t.test('a good file loads with defaults applied (SES-1: 20 minutes)', async (t) => {
  const cfg = loadConfig(write('good.json', good), {});
  t.equal(cfg.session.idleTimeoutSeconds, 1200);
  t.equal(cfg.store.prefix, 'hic:');
  t.same(cfg.server.trustedProxies, []);
});

t.test('a bad file names every problem by key', async (t) => {
  const bad = {
    ...good,
    server: { port: 'eighty', trustedProxies: ['10.0.0.0/99'] },
    session: { idleTimeoutSeconds: 3600 },
    projects: [{ id: 'P 1', upstream: 'ftp://x', networks: ['nonsense'] }],
    colour: 'blue',
  };
  const err = t.throws(() => loadConfig(write('bad.json', bad), {})) as unknown as ConfigError;
  t.ok(err instanceof ConfigError);
  const text = err.problems.join('\n');
  for (const key of [
    'server.port',
    'server.trustedProxies.0',
    'session.idleTimeoutSeconds',
    'projects.0.id',
    'projects.0.upstream',
    'projects.0.networks.0',
    'colour',
  ]) {
    t.match(text, key, `names ${key}`);
  }
});

t.test('semantic rules: memory store refused in production, duplicate projects, missing files', async (t) => {
  const bad = {
    ...good,
    store: { kind: 'memory' },
    tls: { ...good.tls, caFile: join(dir, 'missing.pem') },
    projects: [good.projects[0], good.projects[0]],
  };
  const err = t.throws(() => loadConfig(write('bad2.yaml', bad), {})) as unknown as ConfigError;
  const text = err.problems.join('\n');
  t.match(text, /store\.kind: memory is refused in production/);
  t.match(text, /projects\.1\.id: duplicate/);
  t.match(text, /tls\.caFile: file not found/);
});

t.test('environment overrides: REDIS_URL switches the store, HIC_PORT the port', async (t) => {
  const cfg = loadConfig(write('env.json', { ...good, store: { kind: 'memory', allowMemory: true } }), {
    REDIS_URL: 'redis://10.0.0.1:6380',
    HIC_PORT: '9443',
  });
  t.equal(cfg.store.kind, 'redis');
  t.equal(cfg.store.url, 'redis://10.0.0.1:6380');
  t.equal(cfg.server.port, 9443);
});

t.test('hic start with a bad config exits non-zero and lists the problems', async (t) => {
  const file = write('bad3.json', { ...good, server: { port: -1 }, projects: [] });
  let out = '';
  let code = 0;
  try {
    execFileSync(process.execPath, ['dist/bin/hic.js', 'start', '--config', file], {
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, REDIS_URL: '' },
    });
  } catch (err) {
    const e = err as { status: number; stderr: string };
    code = e.status;
    out = e.stderr;
  }
  t.equal(code, 1);
  t.match(out, /server\.port/);
  t.match(out, /projects/);
  t.notMatch(out, /at .*\.js:\d+/, 'no stack trace');
});
