import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { createCsr, initAuthority } from '../../ca/index.js';
import type { Authority } from '../../ca/index.js';
import { openssl, tempDir, writeFiles } from './helpers.js';

const request = { terminalId: 'term-csr', site: 'Fukuoka', project: 'p-9' };

const pemToDer = (pem: string): Buffer => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
const derToPem = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE REQUEST-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
const spkiDer = (key: string): Buffer => createPublicKey(key).export({ type: 'spki', format: 'der' });

let ca: Authority;
t.before(async () => {
  ca = await initAuthority(tempDir(t));
});

/** Makes a CSR with the machine's openssl, as a terminal administrator would. */
function opensslCsr(t: Test, args: string[]): { csrPem: string; keyPem: string } {
  const dir = tempDir(t);
  const r = openssl(['req', '-new', '-nodes', '-keyout', 'key.pem', '-out', 'req.pem', ...args], dir);
  if (r.status !== 0) throw new Error(r.output);
  return { csrPem: readFileSync(join(dir, 'req.pem'), 'utf8'), keyPem: readFileSync(join(dir, 'key.pem'), 'utf8') };
}

t.test('a CSR from createCsr is signed; the subject comes from the request, the key from the CSR', async (t) => {
  const { csrPem, keyPem } = createCsr({ commonName: 'whatever-the-terminal-says' });
  t.match(csrPem, /^-----BEGIN CERTIFICATE REQUEST-----/);
  t.match(
    openssl(['req', '-verify', '-noout', '-in', writeFiles(t, { 'r.pem': csrPem })['r.pem']!]).output,
    /verify OK/,
    'openssl accepts our CSR',
  );

  const issued = await ca.signCsr(csrPem, request);
  t.equal(issued.keyPem, undefined, 'the CA never sees the terminal key');
  t.equal(issued.subject, 'CN=term-csr,OU=Fukuoka,O=HIC Gateway');
  const x = new X509Certificate(issued.certPem);
  t.ok(x.checkPrivateKey(createPrivateKey(keyPem)), 'certifies the key that made the CSR');
  const files = writeFiles(t, { 'b.pem': ca.caBundlePem(), 'c.pem': issued.certPem });
  const v = openssl(['verify', '-CAfile', files['b.pem']!, '-purpose', 'sslclient', files['c.pem']!]);
  t.equal(v.status, 0, v.output);
  const text = openssl(['x509', '-noout', '-text', '-in', files['c.pem']!]).stdout;
  t.match(text, /TLS Web Client Authentication/);
  t.match(text, /URI:urn:hic:project:p-9/);
  t.notMatch(text, /whatever-the-terminal-says/);
});

t.test('a CSR made by openssl is accepted, and its subject and requested extensions are ignored', async (t) => {
  const { csrPem } = opensslCsr(t, [
    '-newkey',
    'rsa:3072',
    '-subj',
    '/CN=HIC Gateway Issuing CA/O=HIC Gateway',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'subjectAltName=DNS:gateway.example.test',
  ]);
  const issued = await ca.signCsr(csrPem, request);
  const text = openssl(['x509', '-noout', '-text', '-in', writeFiles(t, { 'c.pem': issued.certPem })['c.pem']!]).stdout;
  t.match(text, /Subject: O = HIC Gateway, OU = Fukuoka, CN = term-csr/);
  t.match(text, /CA:FALSE/, 'CA:TRUE request ignored');
  t.notMatch(text, /gateway\.example\.test/, 'requested SAN ignored');
  t.match(text, /Public-Key: \(3072 bit\)/);
});

t.test('a 1024-bit key is refused', async (t) => {
  const { csrPem } = createCsr({ commonName: 'weak', bits: 1024 });
  await t.rejects(ca.signCsr(csrPem, request), { name: 'HicError', code: 'CA_ERROR', message: /1024 bits; at least 2048/ });
});

t.test('a CSR whose signature was tampered with is refused', async (t) => {
  const { csrPem } = createCsr({ commonName: 'x' });
  const der = pemToDer(csrPem);
  der[der.length - 1]! ^= 0x01; // the last octet belongs to the signature BIT STRING
  await t.rejects(ca.signCsr(derToPem(der), request), { code: 'CA_ERROR', message: /signature does not verify/ });
});

t.test("a CSR with a swapped-in public key (someone else's key, no proof of possession) is refused", async (t) => {
  const mine = createCsr({ commonName: 'attacker' });
  const victim = createCsr({ commonName: 'victim' });
  const der = pemToDer(mine.csrPem);
  const ownKey = spkiDer(mine.keyPem);
  const otherKey = spkiDer(victim.keyPem);
  const at = der.indexOf(ownKey);
  t.ok(at > 0 && ownKey.length === otherKey.length, 'the key sits in the CSR and can be replaced in place');
  otherKey.copy(der, at);
  const forged = derToPem(der);
  // OpenSSL 3.0 exits 0 here but says so on stderr.
  t.match(
    openssl(['req', '-verify', '-noout', '-in', writeFiles(t, { 'f.pem': forged })['f.pem']!]).output,
    /verify failure/,
    'openssl agrees it is forged',
  );
  await t.rejects(ca.signCsr(forged, request), { code: 'CA_ERROR', message: /signature does not verify/ });
});

t.test('garbage is refused with a clear message', async (t) => {
  await t.rejects(ca.signCsr('hello', request), { code: 'CA_ERROR', message: /BEGIN CERTIFICATE REQUEST/ });
  await t.rejects(ca.signCsr('-----BEGIN CERTIFICATE REQUEST-----\nnot base64 at all!\n-----END CERTIFICATE REQUEST-----\n', request), {
    code: 'CA_ERROR',
    message: /could not be parsed/,
  });
  await t.rejects(ca.signCsr(derToPem(Buffer.from('3003020100', 'hex')), request), { code: 'CA_ERROR', message: /could not be parsed/ });
  await t.rejects(ca.signCsr(ca.rootCertPem(), request), { code: 'CA_ERROR' }, 'a certificate is not a CSR');
  await t.rejects(ca.signCsr(42 as unknown as string, request), { code: 'CA_ERROR', message: /PEM text/ });
});

t.test('non-RSA keys are refused with a message that says so', async (t) => {
  const ec = opensslCsr(t, ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-subj', '/CN=ec']);
  await t.rejects(ca.signCsr(ec.csrPem, request), { code: 'CA_ERROR', message: /not RSA; only RSA keys of 2048 bits or more/ });
  const ed = opensslCsr(t, ['-newkey', 'ed25519', '-subj', '/CN=ed']);
  await t.rejects(ca.signCsr(ed.csrPem, request), { code: 'CA_ERROR', message: /not RSA/ });
});

t.test('an RSA key with a small public exponent is refused', async (t) => {
  const { csrPem } = opensslCsr(t, ['-newkey', 'rsa:2048', '-pkeyopt', 'rsa_keygen_pubexp:3', '-subj', '/CN=e3']);
  await t.rejects(ca.signCsr(csrPem, request), { code: 'CA_ERROR', message: /public exponent 3; use 65537/ });
});

t.test('a CSR signed with SHA-1 is refused', async (t) => {
  const { csrPem } = opensslCsr(t, ['-newkey', 'rsa:2048', '-sha1', '-subj', '/CN=old']);
  await t.rejects(ca.signCsr(csrPem, request), { code: 'CA_ERROR', message: /sha1WithRSAEncryption; use SHA-256/ });
});

t.test('the request is checked too', async (t) => {
  const { csrPem } = createCsr({ commonName: 'x' });
  await t.rejects(ca.signCsr(csrPem, { terminalId: '', site: 's' }), { code: 'CA_ERROR', message: /terminalId/ });
  t.throws(() => createCsr({ commonName: '' }), { code: 'CA_ERROR' });
});
