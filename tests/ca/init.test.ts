import { createPrivateKey, X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { HicError } from '../../gateway/core/errors.js';
import { authorityExists, CA_FILES, initAuthority, loadAuthority } from '../../ca/index.js';
import { openssl, tempDir } from './helpers.js';

const DAY = 86_400_000;

t.test('init writes the five PEM files and ca.json; keys are 0600', async (t) => {
  const dir = join(tempDir(t), 'ca'); // a directory that does not exist yet is created
  t.equal(authorityExists(dir), false);
  const now = new Date();
  const ca = await initAuthority(dir, { now, crlDistributionUrl: 'http://pki.example.test/hic.crl' });
  t.equal(authorityExists(dir), true);
  t.equal(ca.dir, dir);
  t.equal(ca.crlDistributionUrl, 'http://pki.example.test/hic.crl');
  for (const name of Object.values(CA_FILES)) t.ok(statSync(join(dir, name)).isFile(), `${name} written`);
  t.equal(statSync(join(dir, CA_FILES.rootKey)).mode & 0o777, 0o600, 'root key mode 0600');
  t.equal(statSync(join(dir, CA_FILES.issuingKey)).mode & 0o777, 0o600, 'issuing key mode 0600');
  t.equal(statSync(dir).mode & 0o077, 0, 'new CA directory is private to its owner');

  const rootPem = readFileSync(join(dir, CA_FILES.rootCert), 'utf8');
  const issuingPem = readFileSync(join(dir, CA_FILES.issuingCert), 'utf8');
  t.equal(readFileSync(join(dir, CA_FILES.bundle), 'utf8'), issuingPem + rootPem, 'bundle is issuing + root');
  t.equal(ca.caBundlePem(), issuingPem + rootPem);
  t.equal(ca.rootCertPem(), rootPem);
  t.equal(ca.issuingCertPem(), issuingPem);

  const plainRoot = readFileSync(join(dir, CA_FILES.rootKey), 'utf8');
  t.match(plainRoot, /^-----BEGIN PRIVATE KEY-----/, 'without a passphrase the root key is plain PKCS#8');
  t.ok(new X509Certificate(rootPem).checkPrivateKey(createPrivateKey(plainRoot)), 'root key belongs to the root');

  const config = JSON.parse(readFileSync(join(dir, CA_FILES.config), 'utf8')) as Record<string, unknown>;
  t.same(config, {
    version: 1,
    commonNamePrefix: 'HIC Gateway',
    crlDistributionUrl: 'http://pki.example.test/hic.crl',
    createdAt: now.toISOString(),
  });

  // The root and issuing CA certificates as OpenSSL reads them.
  const root = openssl(['x509', '-noout', '-text', '-in', join(dir, CA_FILES.rootCert)]).stdout;
  t.match(root, /Public-Key: \(3072 bit\)/);
  t.match(root, /Signature Algorithm: sha256WithRSAEncryption/);
  t.match(root, /Basic Constraints: critical\s+CA:TRUE, pathlen:1/);
  t.match(root, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
  t.match(root, /Subject: O = HIC Gateway, CN = HIC Gateway Root CA/);
  const issuing = openssl(['x509', '-noout', '-text', '-in', join(dir, CA_FILES.issuingCert)]).stdout;
  t.match(issuing, /Public-Key: \(3072 bit\)/);
  t.match(issuing, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
  t.match(issuing, /Issuer: O = HIC Gateway, CN = HIC Gateway Root CA/);
  t.notMatch(issuing, /CRL Distribution Points/, 'CA certificates carry no CRL distribution point');
  const rootSki = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(root)?.[1];
  t.ok(rootSki);
  t.match(issuing, new RegExp(`Authority Key Identifier:\\s+(keyid:)?${rootSki}`), 'issuing AKI = root SKI');
  t.not(
    createPrivateKey(readFileSync(join(dir, CA_FILES.issuingKey))).export({ format: 'jwk' }).n,
    createPrivateKey(plainRoot).export({ format: 'jwk' }).n,
    'root and issuing CA have separate keys',
  );

  const chain = openssl(['verify', '-CAfile', join(dir, CA_FILES.rootCert), join(dir, CA_FILES.issuingCert)]);
  t.equal(chain.status, 0, chain.output);

  // Lifetimes: root 10 years, issuing 5, both from a minute before `now`.
  const r = new X509Certificate(rootPem);
  const i = new X509Certificate(issuingPem);
  const notBefore = Math.floor((now.getTime() - 60_000) / 1000) * 1000;
  t.equal(new Date(r.validFrom).getTime(), notBefore, 'root notBefore backdated one minute');
  t.equal(new Date(i.validFrom).getTime(), notBefore);
  t.ok(Math.abs(new Date(r.validTo).getTime() - notBefore - 3652 * DAY) <= 2 * DAY, 'root valid ~10 years');
  t.ok(Math.abs(new Date(i.validTo).getTime() - notBefore - 1826 * DAY) <= 2 * DAY, 'issuing valid ~5 years');
});

t.test('a root passphrase encrypts the root key as PKCS#8', async (t) => {
  const dir = tempDir(t);
  await initAuthority(dir, { rootPassphrase: 'correct horse battery staple' });
  const pem = readFileSync(join(dir, CA_FILES.rootKey), 'utf8');
  t.match(pem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
  t.throws(() => createPrivateKey(pem), 'unreadable without the passphrase');
  const key = createPrivateKey({ key: pem, passphrase: 'correct horse battery staple' });
  t.ok(new X509Certificate(readFileSync(join(dir, CA_FILES.rootCert))).checkPrivateKey(key), 'decrypts to the root key');
  const viaOpenssl = openssl(['pkey', '-in', join(dir, CA_FILES.rootKey), '-passin', 'pass:correct horse battery staple', '-noout']);
  t.equal(viaOpenssl.status, 0, `openssl opens it: ${viaOpenssl.stderr}`);
  t.equal(statSync(join(dir, CA_FILES.rootKey)).mode & 0o777, 0o600);
  t.match(readFileSync(join(dir, CA_FILES.issuingKey), 'utf8'), /^-----BEGIN PRIVATE KEY-----/, 'issuing key stays usable');
  // Day-to-day loading never needs the root key or its passphrase.
  const ca = await loadAuthority(dir);
  const issued = await ca.issueServerCertificate({ hostnames: ['gw.example.test'] });
  t.match(issued.certPem, /BEGIN CERTIFICATE/);
});

t.test('init refuses a directory that already holds a CA, and leaves it untouched', async (t) => {
  const dir = tempDir(t);
  await initAuthority(dir);
  const before = readFileSync(join(dir, CA_FILES.rootCert), 'utf8');
  await t.rejects(initAuthority(dir), { name: 'HicError', code: 'CA_ERROR', message: /already holds a certificate authority/ });
  t.equal(readFileSync(join(dir, CA_FILES.rootCert), 'utf8'), before);

  const partial = tempDir(t);
  writeFileSync(join(partial, CA_FILES.issuingKey), 'left over');
  t.equal(authorityExists(partial), true, 'a half-written CA counts as existing');
  await t.rejects(initAuthority(partial), { code: 'CA_ERROR' });
  t.equal(readFileSync(join(partial, CA_FILES.issuingKey), 'utf8'), 'left over');
});

t.test('init checks its options before generating anything', async (t) => {
  const dir = tempDir(t);
  await t.rejects(initAuthority(dir, { rootPassphrase: 'short' }), { code: 'CA_ERROR', message: /rootPassphrase/ });
  await t.rejects(initAuthority(dir, { crlDistributionUrl: 'ftp://x.test/a.crl' }), { code: 'CA_ERROR', message: /crlDistributionUrl/ });
  await t.rejects(initAuthority(dir, { crlDistributionUrl: 'not a url' }), { code: 'CA_ERROR' });
  await t.rejects(initAuthority(dir, { commonNamePrefix: 'x'.repeat(54) }), {
    code: 'CA_ERROR',
    message: /commonNamePrefix must be at most 53/,
  });
  t.equal(authorityExists(dir), false, 'nothing written');
});

t.test('commonNamePrefix names both CAs and every leaf organisation', async (t) => {
  const dir = tempDir(t);
  const ca = await initAuthority(dir, { commonNamePrefix: 'Example Ops' });
  t.match(new X509Certificate(ca.rootCertPem()).subject, /CN=Example Ops Root CA/);
  t.match(new X509Certificate(ca.issuingCertPem()).subject, /CN=Example Ops Issuing CA/);
  const reloaded = await loadAuthority(dir);
  const leaf = await reloaded.issueServerCertificate({ hostnames: ['a.test'] });
  t.equal(leaf.subject, 'CN=a.test,O=Example Ops', 'prefix kept in ca.json across loads');
});

t.test('load checks the files against each other', async (t) => {
  const a = tempDir(t);
  const b = tempDir(t);
  await Promise.all([initAuthority(a), initAuthority(b)]);

  await t.rejects(loadAuthority(tempDir(t)), { code: 'CA_ERROR', message: /missing/ });

  copyFileSync(join(b, CA_FILES.issuingKey), join(a, CA_FILES.issuingKey));
  await t.rejects(loadAuthority(a), { code: 'CA_ERROR', message: /does not belong/ }, 'issuing key from another CA');

  copyFileSync(join(b, CA_FILES.issuingCert), join(a, CA_FILES.issuingCert));
  await t.rejects(loadAuthority(a), { code: 'CA_ERROR', message: /not signed by/ }, 'issuing CA from another root');

  writeFileSync(join(b, CA_FILES.rootCert), 'garbage');
  await t.rejects(loadAuthority(b), { code: 'CA_ERROR', message: /not a PEM certificate/ });
});

t.test('load: crlDistributionUrl from ca.json, overridable', async (t) => {
  const dir = tempDir(t);
  await initAuthority(dir, { crlDistributionUrl: 'http://a.test/1.crl' });
  t.equal((await loadAuthority(dir)).crlDistributionUrl, 'http://a.test/1.crl');
  t.equal((await loadAuthority(dir, { crlDistributionUrl: 'https://b.test/2.crl' })).crlDistributionUrl, 'https://b.test/2.crl');
  const plain = tempDir(t);
  await initAuthority(plain);
  t.equal((await loadAuthority(plain)).crlDistributionUrl, undefined);
});

t.test('errors are HicError instances with the CA_ERROR code and a 400 status', async (t) => {
  const err = await loadAuthority(tempDir(t)).catch((e: unknown) => e);
  t.ok(err instanceof HicError);
  t.equal((err as HicError).status, 400);
});
