import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { freePort, until } from '../helpers/wait.js';
import { describeCertificate, initAuthority } from '../../ca/index.js';
import { validateConfig } from '../../gateway/config/load.js';
import { systemClock } from '../../gateway/core/clock.js';
import { gatewayAuthority } from '../../gateway/terminals/ca-source.js';
import { HIC } from '../audit-review/helpers.js';

/**
 * Issue 11 item 6: the demo's terminal certificates named no CRL distribution point although the gateway serves its
 * CRL at /_hic/crl. `hic start --demo` (a real process, memory store) must write `<gateway URL>/_hic/crl` into every
 * terminal certificate; openssl reads the extension, and the URL it names answers with a CRL that verifies.
 * (`hic ca init --crl-url` on its own: tests/ca-cli/issue.test.ts.)
 */
const home = mkdtempSync(join(tmpdir(), 'hic-cdp-'));
t.teardown(() => rmSync(home, { recursive: true, force: true }));

/** GET without any client certificate, trusting only the demo CA. */
function fetchDer(url: string, ca: string): Promise<{ status: number; type: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, servername: 'localhost' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('the demo CA writes <gateway>/_hic/crl into every terminal certificate, and the CRL is there', async (t) => {
  const port = await freePort();
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('_TAPJS') && k !== 'NODE_OPTIONS' && k !== 'REDIS_URL'),
  );
  const child = spawn(process.execPath, [HIC, 'start', '--demo', '--workers', '1'], {
    env: { ...env, HIC_HOME: home, HIC_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  t.teardown(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGTERM')));
  await until(
    () => existsSync(join(home, 'demo.json')),
    60_000,
    () => `the demo to start (${stderr})`,
  );
  const demo = JSON.parse(readFileSync(join(home, 'demo.json'), 'utf8'));
  const expected = `https://127.0.0.1:${port}/_hic/crl`;
  t.equal(demo.url, `https://127.0.0.1:${port}`);
  t.equal(demo.terminals.length, 2);
  for (const term of demo.terminals as Array<{ id: string; certPem: string }>) {
    const text = execFileSync('openssl', ['x509', '-in', term.certPem, '-noout', '-ext', 'crlDistributionPoints'], { encoding: 'utf8' });
    t.match(text, /X509v3 CRL Distribution Points:/, `${term.id}: openssl finds the extension`);
    t.same(text.match(/URI:\S+/g), [`URI:${expected}`], `${term.id}: it names exactly the gateway's CRL URL`);
  }
  const ca = JSON.parse(readFileSync(join(home, 'ca', 'ca.json'), 'utf8'));
  t.equal(ca.crlDistributionUrl, expected, 'the CA itself keeps the URL, so `hic ca issue-terminal` on this home writes it too');

  const crl = await fetchDer(expected, readFileSync(demo.caCertPem, 'utf8'));
  t.equal(crl.status, 200, 'the URL in the certificate answers without a client certificate');
  t.equal(crl.type, 'application/pkix-crl');
  const crlFile = join(home, 'fetched.crl');
  writeFileSync(crlFile, crl.body);
  const verified = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', demo.caCertPem, '-noout'], {
    encoding: 'utf8',
  });
  t.equal(verified.status, 0);
  t.equal(verified.stderr.trim(), 'verify OK', 'openssl verifies the CRL it names against the demo CA');
});

t.test('a gateway holding a CA made without --crl-url names <server.publicOrigin>/_hic/crl in what it issues', async (t) => {
  const stateDir = mkdtempSync(join(tmpdir(), 'hic-cdp-gw-'));
  t.teardown(() => rmSync(stateDir, { recursive: true, force: true }));
  await initAuthority(join(stateDir, 'ca'));
  const base = {
    stateDir,
    server: { host: '127.0.0.1', port: 0 },
    tls: {
      certFile: join(stateDir, 'ca', 'ca-bundle.pem'),
      keyFile: join(stateDir, 'ca', 'ca-bundle.pem'),
      caFile: join(stateDir, 'ca', 'ca-bundle.pem'),
    },
    store: { kind: 'memory', allowMemory: true },
    audit: { dir: join(stateDir, 'audit') },
    projects: [{ id: 'alpha', upstream: 'http://127.0.0.1:9', networks: ['127.0.0.0/8'] }],
    mode: 'test',
  };
  const withOrigin = validateConfig({ ...base, server: { ...base.server, publicOrigin: 'https://gateway.example.jp' } });
  const issued = await (await gatewayAuthority({ config: withOrigin, clock: systemClock }))!.issueTerminalCertificate({
    terminalId: 'pc-1',
    site: 's',
    project: 'alpha',
  });
  t.same(describeCertificate(issued.certPem).crlUrls, ['https://gateway.example.jp/_hic/crl']);
  const without = await (await gatewayAuthority({ config: validateConfig(base), clock: systemClock }))!.issueTerminalCertificate({
    terminalId: 'pc-2',
    site: 's',
    project: 'alpha',
  });
  t.same(describeCertificate(without.certPem).crlUrls, [], 'no origin, no --crl-url: nothing to name');
  t.throws(
    () => validateConfig({ ...base, server: { ...base.server, publicOrigin: 'https://gateway.example.jp/path' } }),
    { code: 'CONFIG_INVALID' },
    'publicOrigin is an origin, nothing more',
  );
});
