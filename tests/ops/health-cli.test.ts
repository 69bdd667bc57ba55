import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { hic } from '../audit-review/helpers.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { freePort } from '../lifecycle/helpers.js';

/** `hic health`, the Dockerfile's health check: it probes the port the configuration names (HIC_PORT applied). */
const pki = await makePki();
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());

function configFile(port: number): string {
  const file = join(gw.dir, `gateway-${port}.yaml`);
  const tls = { certFile: join(gw.dir, 'server.cert.pem'), keyFile: join(gw.dir, 'server.key.pem'), caFile: join(gw.dir, 'ca.pem') };
  writeFileSync(
    file,
    JSON.stringify({
      mode: 'test',
      server: { host: '0.0.0.0', port },
      tls,
      store: { kind: 'memory', allowMemory: true },
      audit: { dir: join(gw.dir, 'audit') },
      projects: [{ id: 'p', upstream: 'http://127.0.0.1:1', networks: ['127.0.0.0/8'] }],
    }),
  );
  return file;
}

t.test('liveness and readiness on the configured port; 0.0.0.0 is probed on loopback', async (t) => {
  const live = await hic(['health', '--config', configFile(gw.gw.port), '--json']);
  t.equal(live.code, 0, live.stderr);
  t.match(live.json(), { url: `https://127.0.0.1:${gw.gw.port}/_hic/healthz`, status: 200, body: '{"status":"ok"}' });
  const ready = await hic(['health', '--config', configFile(gw.gw.port), '--ready']);
  t.equal(ready.code, 0);
  t.match(ready.stdout, /^\/_hic\/readyz: 200 \{"status":"ready"/);
});

t.test('HIC_PORT overrides the file, as it does for hic start; nothing listening: exit 1', async (t) => {
  const closed = await freePort();
  const viaEnv = await hic(['health', '--config', configFile(closed)], { HIC_PORT: String(gw.gw.port) });
  t.equal(viaEnv.code, 0, 'the environment port is probed');
  const down = await hic(['health', '--config', configFile(closed), '--json']);
  t.equal(down.code, 1);
  t.match(down.json(), { status: 0, error: /ECONNREFUSED/ });
});

t.test('readiness failing gives exit 1', async (t) => {
  gw.gw.rt.draining = true;
  const res = await hic(['health', '--config', configFile(gw.gw.port), '--ready', '--json']);
  gw.gw.rt.draining = false;
  t.equal(res.code, 1);
  t.match(res.json(), { status: 503, body: /"lifecycle":"draining"/ });
});
