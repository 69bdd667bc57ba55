import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type WebSocket from 'ws';
import { createCsr, loadAuthority } from '../../ca/index.js';
import { openssl, tempDir } from '../ca/helpers.js';
import { wsOutcome } from '../helpers/client.js';
import { startTestGateway } from '../helpers/gateway.js';
import { pkiOn, type TestCert } from '../helpers/pki.js';
import { cliEnv, hic, waitFor } from './helpers.js';

/**
 * HIC GL 第5-4-ii-② / SES-3 over real parts: two gateway instances share Redis with `hic ca revoke`, run as a
 * separate process. Within one second of the revocation the open WebSocket and keep-alive connection made with
 * the certificate are closed on both instances, a new TLS connection with it is refused, its sessions are gone,
 * and the gateways serve a CRL listing it to anyone.
 */
const env = cliEnv(t, 'ca-revoke');
const work = tempDir(t);
const init = await hic(env, ['ca', 'init', '--crl-url', 'https://localhost/_hic/crl']);
if (init.code !== 0) throw new Error(init.stderr);
// The gateways trust the CA the CLI made (HIC_HOME/ca), and get their server certificate from it.
const pki = await pkiOn(await loadAuthority(join(env.home, 'ca')), work);
const gwA = await startTestGateway({ pki, store: 'redis', prefix: env.prefix });
const gwB = await startTestGateway({ pki, store: 'redis', prefix: env.prefix });
t.teardown(async () => {
  await gwA.close();
  await gwB.close();
});

// The terminal makes its key and CSR; the operator certifies it with the CLI (project alpha was seeded by the gateways).
const { csrPem, keyPem } = createCsr({ commonName: 'ignored' });
const csrFile = join(work, 't-rev.csr');
writeFileSync(csrFile, csrPem);
const certFile = join(work, 't-rev.cert.pem');
const signed = await hic(env, [
  'ca',
  'sign-csr',
  '--csr',
  csrFile,
  '--terminal',
  't-rev',
  '--site',
  'lab',
  '--project',
  'alpha',
  '--out',
  certFile,
  '--json',
]);
if (signed.code !== 0) throw new Error(signed.stderr);
const issued = signed.json().terminal;
const cert: TestCert = {
  cert: signed.json().certificate.certPem,
  key: keyPem,
  fingerprint: issued.fingerprint,
  serial: issued.serial,
  notAfter: new Date(issued.notAfter),
};
const control = await pki.terminal('t-control');
await gwA.addTerminal('t-control', control);

t.test('hic ca revoke cuts the WebSocket and connections on every instance within a second, and new handshakes are refused', async (t) => {
  const creds = await gwA.addUser('ana');
  const onA = gwA.client(cert);
  t.equal(await gwA.login(onA, 'ana', creds), 201, 'logged in on instance A with the terminal certificate');
  const { status, ws } = await wsOutcome(onA.websocket('/echo'));
  t.equal(status, 101, 'WebSocket open through instance A');
  const onB = gwB.client(cert);
  for (const [k, v] of onA.cookies) onB.cookies.set(k, v);
  t.equal((await onB.fetch('/', { headers: { accept: 'text/html' } })).status, 200, 'same session served by instance B');
  t.equal(gwB.gw.rt.connections.count(cert.fingerprint), 1, 'keep-alive connection open on B');
  t.same(
    await gwA.gw.rt.stores.sessions.listByTerminal(cert.fingerprint),
    [(await gwA.gw.rt.stores.sessions.listByUser('ana'))[0]],
    'session indexed by terminal',
  );
  let closedAt = 0;
  (ws as WebSocket).once('close', () => (closedAt = Date.now()));

  const r = await hic(env, ['ca', 'revoke', '--terminal', 't-rev', '--reason', 'keyCompromise', '--json']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.json().sessionsEnded, 1, 'the session made with the certificate was ended');
  t.ok(await waitFor(() => closedAt !== 0, 1_000), 'WebSocket closed within 1 s of the CLI exiting');
  t.ok(await waitFor(() => gwB.gw.rt.connections.count(cert.fingerprint) === 0, 1_000), 'keep-alive connection on B destroyed');
  // The register records when the revocation was written; from there to the socket closing is the propagation.
  const latency = closedAt - Date.parse(r.json().terminal.revokedAt);
  t.ok(latency >= 0 && latency < 1_000, `WebSocket closed ${latency} ms after the register changed (< 1 s)`);
  const [refusedA, refusedB] = await Promise.all([
    gwA.client(cert).fetch('/_hic/api/session'),
    gwB.client(cert).fetch('/_hic/api/session'),
  ]);
  const refusedAt = Date.now();
  t.equal(refusedA.status, 403);
  t.equal(refusedA.json().reason, 'terminal-revoked', 'a new TLS handshake with the revoked certificate is refused on A');
  t.equal(refusedB.json().reason, 'terminal-revoked', '… and on B');
  t.ok(refusedAt - r.endedAt < 1_000, 'refused within a second of the revocation');
  t.same(await gwA.gw.rt.stores.sessions.listByTerminal(cert.fingerprint), [], 'no session left for the certificate');
  t.equal(
    (await gwA.client(control).fetch('/_hic/api/session')).status,
    401,
    'another terminal is unaffected (accepted, then asked to log in)',
  );
  t.comment(
    `revocation: register → WebSocket closed ${latency} ms; spawn → closed ${closedAt - r.startedAt} ms (process start included); closed ${closedAt - r.endedAt} ms relative to CLI exit`,
  );
});

t.test('the gateways serve the CLI-published CRL at the distribution point without a certificate', async (t) => {
  const anonymous = gwB.client();
  const pem = await anonymous.fetch('/_hic/crl.pem');
  t.equal(pem.status, 200);
  const der = await anonymous.fetch('/_hic/crl');
  t.equal(der.status, 200);
  t.equal(der.headers['content-type'], 'application/pkix-crl');
  const crlFile = join(work, 'crl.pem');
  writeFileSync(crlFile, pem.body);
  const bundle = join(env.home, 'ca', 'ca-bundle.pem');
  const text = openssl(['crl', '-in', crlFile, '-CAfile', bundle, '-noout', '-text']);
  t.match(text.output, /verify OK/);
  t.match(text.stdout, new RegExp(`Serial Number: ${cert.serial.toUpperCase()}[\\s\\S]*?Key Compromise`));
  const check = openssl(['verify', '-crl_check', '-CRLfile', crlFile, '-CAfile', bundle, certFile]);
  t.not(check.status, 0);
  t.match(check.output, /certificate revoked/, 'a relying party using the CRL refuses the certificate too');
  t.equal(
    (await anonymous.fetch('/_hic/crl', { method: 'POST', body: {} })).status,
    403,
    'only GET/HEAD are exempt from the terminal check',
  );
  t.equal((await anonymous.fetch('/_hic/crl.der')).status, 403, 'no other path is exempt');
});
