/**
 * The certificates must work where it matters: a real TLS handshake in Node (OpenSSL 3), server configured the
 * way the gateway will be (requestCert, rejectUnauthorized: false, ca = our bundle), client certificates judged
 * by `socket.authorized` / `authorizationError`.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import type { Server } from 'node:tls';
import t from 'tap';
import { initAuthority } from '../../ca/index.js';
import type { Authority } from '../../ca/index.js';
import { tempDir } from './helpers.js';

const DAY = 86_400_000;

interface Verdict {
  authorized: boolean;
  authorizationError: string | null;
  peerCn: string | null;
  peerFingerprint: string | null;
}

let ca: Authority;
let foreign: Authority;
let otherOrg: Authority;
let server: Server;
let port: number;

t.before(async () => {
  const dir = tempDir(t);
  // The foreign CA deliberately has the same names as ours: trust must rest on keys, not on names.
  [ca, foreign, otherOrg] = await Promise.all([
    initAuthority(`${dir}/ours`),
    initAuthority(`${dir}/foreign`),
    initAuthority(`${dir}/other`, { commonNamePrefix: 'Other Org' }),
  ]);
  const serverCert = await ca.issueServerCertificate({ hostnames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  server = createServer(
    { requestCert: true, rejectUnauthorized: false, ca: ca.caBundlePem(), cert: serverCert.certPem, key: serverCert.keyPem },
    (socket) => {
      const peer = socket.getPeerCertificate();
      // Typed as Error, but Node sets the OpenSSL code string (or null when the certificate verified).
      const error = socket.authorizationError as unknown;
      const verdict: Verdict = {
        authorized: socket.authorized,
        authorizationError: error === null || error === undefined ? null : String(error),
        peerCn: typeof peer.subject?.CN === 'string' ? peer.subject.CN : null,
        peerFingerprint: typeof peer.fingerprint256 === 'string' ? peer.fingerprint256.replace(/:/g, '').toLowerCase() : null,
      };
      socket.end(JSON.stringify(verdict));
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});

t.teardown(() => {
  server.close();
});

/** Connects as a terminal; the client verifies the server too (CA bundle, IP SAN 127.0.0.1). */
async function handshake(client?: { cert: string; key: string }): Promise<Verdict> {
  const socket = connect({ host: '127.0.0.1', port, ca: ca.caBundlePem(), ...client });
  let body = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    body += chunk;
  });
  await once(socket, 'end');
  socket.destroy();
  return JSON.parse(body) as Verdict;
}

t.test('a terminal certificate we issued is authorized', async (t) => {
  const issued = await ca.issueTerminalCertificate({ terminalId: 'term-tls', site: 'lab', project: 'p' });
  const v = await handshake({ cert: issued.certPem, key: issued.keyPem });
  t.equal(v.authorized, true);
  t.equal(v.authorizationError, null);
  t.equal(v.peerCn, 'term-tls');
  t.equal(v.peerFingerprint, issued.fingerprint, 'the gateway sees the fingerprint we recorded');
});

t.test('a terminal certificate from a signed CSR is authorized', async (t) => {
  const { createCsr } = await import('../../ca/index.js');
  const { csrPem, keyPem } = createCsr({ commonName: 'ignored' });
  const issued = await ca.signCsr(csrPem, { terminalId: 'term-csr', site: 'lab' });
  const v = await handshake({ cert: issued.certPem, key: keyPem });
  t.equal(v.authorized, true, String(v.authorizationError));
  t.equal(v.peerCn, 'term-csr');
});

t.test('an expired terminal certificate is refused as CERT_HAS_EXPIRED', async (t) => {
  const now = Date.now();
  const issued = await ca.issueTerminalCertificate({
    terminalId: 'term-old',
    site: 'lab',
    notBefore: new Date(now - 30 * DAY),
    notAfter: new Date(now - DAY),
  });
  const v = await handshake({ cert: issued.certPem, key: issued.keyPem });
  t.equal(v.authorized, false);
  t.equal(v.authorizationError, 'CERT_HAS_EXPIRED');
});

t.test('a terminal certificate that is not yet valid is refused', async (t) => {
  const now = Date.now();
  const issued = await ca.issueTerminalCertificate({
    terminalId: 'term-future',
    site: 'lab',
    notBefore: new Date(now + DAY),
    notAfter: new Date(now + 30 * DAY),
  });
  const v = await handshake({ cert: issued.certPem, key: issued.keyPem });
  t.equal(v.authorized, false);
  t.equal(v.authorizationError, 'CERT_NOT_YET_VALID');
});

t.test('a certificate from another CA is untrusted, however much of its chain it sends', async (t) => {
  const other = await otherOrg.issueTerminalCertificate({ terminalId: 'term-tls', site: 'lab', project: 'p' });
  const alone = await handshake({ cert: other.certPem, key: other.keyPem });
  t.equal(alone.authorized, false);
  // OpenSSL's code for a one-certificate chain whose issuer is not in the trust store.
  t.equal(alone.authorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'leaf alone');
  const withIssuing = await handshake({ cert: other.certPem + otherOrg.issuingCertPem(), key: other.keyPem });
  t.equal(withIssuing.authorized, false);
  t.equal(withIssuing.authorizationError, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'leaf + its issuing CA');
  const withRoot = await handshake({ cert: other.certPem + otherOrg.caBundlePem(), key: other.keyPem });
  t.equal(withRoot.authorized, false);
  t.equal(withRoot.authorizationError, 'SELF_SIGNED_CERT_IN_CHAIN', 'a root the client sends is not trusted');

  // Same issuer name as ours, different key: the name matches our issuing CA, the key identifier does not.
  const lookalike = await foreign.issueTerminalCertificate({ terminalId: 'term-tls', site: 'lab', project: 'p' });
  const w = await handshake({ cert: lookalike.certPem + foreign.issuingCertPem(), key: lookalike.keyPem });
  t.equal(w.authorized, false);
  t.equal(w.authorizationError, 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'look-alike CA refused');
  t.equal(w.peerCn, 'term-tls', 'same CN as a real terminal, still refused');
});

t.test('our server certificate (serverAuth only) cannot be used as a client certificate', async (t) => {
  const issued = await ca.issueServerCertificate({ hostnames: ['client.test'] });
  const v = await handshake({ cert: issued.certPem, key: issued.keyPem });
  t.equal(v.authorized, false);
  t.equal(v.authorizationError, 'INVALID_PURPOSE', 'extendedKeyUsage is enforced');
});

t.test('no client certificate: not authorized', async (t) => {
  const v = await handshake();
  t.equal(v.authorized, false);
  t.equal(v.authorizationError, 'UNABLE_TO_GET_ISSUER_CERT', 'what Node reports when no certificate was sent');
  t.equal(v.peerCn, null);
});
