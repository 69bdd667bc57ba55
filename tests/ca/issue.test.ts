import { createPrivateKey, X509Certificate } from 'node:crypto';
import t from 'tap';
import { certificateFingerprint, createCsr, describeCertificate, initAuthority, loadAuthority } from '../../ca/index.js';
import type { Authority } from '../../ca/index.js';
import { countingRandom, openssl, tempDir, writeFiles } from './helpers.js';

const DAY = 86_400_000;
const CRL_URL = 'http://pki.example.test/hic-issuing.crl';

let ca: Authority;
let plainCa: Authority;
t.before(async () => {
  const dir = tempDir(t);
  [ca, plainCa] = await Promise.all([initAuthority(`${dir}/with-crl`, { crlDistributionUrl: CRL_URL }), initAuthority(`${dir}/plain`)]);
});

t.test('terminal certificate: verifies with the bundle and carries the client profile', async (t) => {
  const now = new Date();
  const issued = await ca.issueTerminalCertificate({ terminalId: 'term-0001', site: 'Tokyo-1', project: 'ndb-2025-001', now });
  const files = writeFiles(t, { 'bundle.pem': ca.caBundlePem(), 'leaf.pem': issued.certPem, 'key.pem': issued.keyPem });

  const verify = openssl(['verify', '-CAfile', files['bundle.pem']!, '-purpose', 'sslclient', files['leaf.pem']!]);
  t.equal(verify.status, 0, verify.output);
  t.match(verify.stdout, /leaf\.pem: OK/);
  t.equal(
    openssl(['verify', '-CAfile', files['bundle.pem']!, '-purpose', 'sslserver', files['leaf.pem']!]).status,
    2,
    'a terminal certificate cannot serve TLS',
  );

  const text = openssl(['x509', '-noout', '-text', '-in', files['leaf.pem']!]).stdout;
  t.match(text, /Public-Key: \(2048 bit\)/);
  t.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
  t.match(text, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
  t.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
  t.match(text, /X509v3 Extended Key Usage: \s*TLS Web Client Authentication\n/);
  t.match(text, /X509v3 Subject Key Identifier/);
  t.match(text, /X509v3 Authority Key Identifier/);
  t.match(text, /X509v3 CRL Distribution Points:\s+Full Name:\s+URI:http:\/\/pki\.example\.test\/hic-issuing\.crl/);
  t.match(text, /URI:urn:hic:project:ndb-2025-001/);
  t.match(text, /Subject: O = HIC Gateway, OU = Tokyo-1, CN = term-0001/);
  const issuingSki = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(
    openssl(['x509', '-noout', '-text', '-in', writeFiles(t, { 'i.pem': ca.issuingCertPem() })['i.pem']!]).stdout,
  )?.[1];
  t.match(text, new RegExp(`Authority Key Identifier:\\s+(keyid:)?${issuingSki}`), 'AKI = issuing CA SKI');

  t.match(issued.serial, /^[0-9a-f]{32}$/, '128-bit serial, lowercase hex');
  t.ok(parseInt(issued.serial[0]!, 16) < 8, 'serial is positive');
  const x = new X509Certificate(issued.certPem);
  t.equal(x.serialNumber.toLowerCase(), issued.serial, 'serial is the one in the certificate');
  t.equal(issued.fingerprint, x.fingerprint256.replace(/:/g, '').toLowerCase(), 'fingerprint = SHA-256 of DER');
  t.equal(certificateFingerprint(issued.certPem), issued.fingerprint);
  t.equal(certificateFingerprint(x.raw), issued.fingerprint, 'DER input too');
  t.ok(x.checkPrivateKey(createPrivateKey(issued.keyPem)), 'keyPem belongs to the certificate');
  t.equal(issued.subject, 'CN=term-0001,OU=Tokyo-1,O=HIC Gateway');

  const backdated = Math.floor((now.getTime() - 60_000) / 1000) * 1000;
  t.equal(issued.notBefore.getTime(), backdated, 'notBefore backdated one minute');
  t.equal(new Date(x.validFrom).getTime(), backdated);
  t.equal(issued.notAfter.getTime(), backdated + 365 * DAY, 'default 365 days');
  t.equal(new Date(x.validTo).getTime(), issued.notAfter.getTime());
});

t.test('server certificate: serverAuth, DNS and IP SANs, no CRL DP unless configured', async (t) => {
  const issued = await plainCa.issueServerCertificate({
    hostnames: ['GW.Example.test', 'localhost', 'gw.example.test'],
    ipAddresses: ['127.0.0.1', '::1'],
    validityDays: 30,
  });
  const files = writeFiles(t, { 'bundle.pem': plainCa.caBundlePem(), 'srv.pem': issued.certPem });
  const verify = openssl(['verify', '-CAfile', files['bundle.pem']!, '-purpose', 'sslserver', files['srv.pem']!]);
  t.equal(verify.status, 0, verify.output);
  for (const [flag, value] of [
    ['-verify_hostname', 'gw.example.test'],
    ['-verify_hostname', 'localhost'],
    ['-verify_ip', '127.0.0.1'],
    ['-verify_ip', '::1'],
  ] as const) {
    const r = openssl(['verify', '-CAfile', files['bundle.pem']!, flag, value, files['srv.pem']!]);
    t.equal(r.status, 0, `${value} matches: ${r.output}`);
  }
  t.not(
    openssl(['verify', '-CAfile', files['bundle.pem']!, '-verify_hostname', 'other.test', files['srv.pem']!]).status,
    0,
    'other names do not',
  );

  const text = openssl(['x509', '-noout', '-text', '-in', files['srv.pem']!]).stdout;
  t.match(text, /X509v3 Extended Key Usage: \s*TLS Web Server Authentication\n/);
  t.match(text, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
  t.match(
    text,
    /X509v3 Subject Alternative Name:\s+DNS:gw\.example\.test, DNS:localhost, IP Address:127\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/,
  );
  t.notMatch(text, /CRL Distribution Points/, 'no CRL DP when none is configured');
  t.equal(issued.notAfter.getTime() - issued.notBefore.getTime(), 30 * DAY);
  t.equal(issued.subject, 'CN=gw.example.test,O=HIC Gateway');
  t.ok(new X509Certificate(issued.certPem).checkPrivateKey(createPrivateKey(issued.keyPem)));

  const big = await plainCa.issueServerCertificate({ hostnames: [], ipAddresses: ['10.0.0.1'], keyBits: 3072 });
  t.match(
    openssl(['x509', '-noout', '-text', '-in', writeFiles(t, { 'b.pem': big.certPem })['b.pem']!]).stdout,
    /Public-Key: \(3072 bit\)/,
  );
  t.equal(big.subject, 'CN=10.0.0.1,O=HIC Gateway', 'an IP-only certificate is named by its address');
});

t.test('server certificate requests are checked', async (t) => {
  const cases: [Parameters<Authority['issueServerCertificate']>[0], RegExp][] = [
    [{ hostnames: [] }, /at least one hostname or IP/],
    [{ hostnames: ['bad_name.test'] }, /not a valid DNS name/],
    [{ hostnames: ['-a.test'] }, /not a valid DNS name/],
    [{ hostnames: ['127.0.0.1'] }, /ipAddresses/],
    [{ hostnames: ['a.test'], ipAddresses: ['300.1.1.1'] }, /not an IP address/],
    [{ hostnames: ['a.test'], validityDays: 826 }, /at most 825/],
    [{ hostnames: ['a.test'], validityDays: 0 }, /at least 1/],
    [{ hostnames: ['a.test'], validityDays: 1.5 }, /whole number/],
  ];
  for (const [req, message] of cases) {
    await t.rejects(plainCa.issueServerCertificate(req), { code: 'CA_ERROR', message }, JSON.stringify(req));
  }
  const idn = await plainCa.issueServerCertificate({ hostnames: ['病院.example', '*.gw.example.test'] });
  t.match(new X509Certificate(idn.certPem).subjectAltName ?? '', /DNS:xn--/, 'IDN names become A-labels');
  t.match(new X509Certificate(idn.certPem).subjectAltName ?? '', /DNS:\*\.gw\.example\.test/, 'wildcards allowed');
});

t.test('terminal requests are checked before a key is generated', async (t) => {
  const cases: [Parameters<Authority['issueTerminalCertificate']>[0], RegExp][] = [
    [{ terminalId: '', site: 's' }, /terminalId is required/],
    [{ terminalId: 't', site: '' }, /site is required/],
    [{ terminalId: 't'.repeat(65), site: 's' }, /terminalId must be at most 64/],
    [{ terminalId: 't\n1', site: 's' }, /control characters/],
    [{ terminalId: ' t', site: 's' }, /spaces/],
    [{ terminalId: 't', site: 's', validityDays: -1 }, /validityDays/],
    [{ terminalId: 't', site: 's', notBefore: new Date('2030-01-02'), notAfter: new Date('2030-01-01') }, /later than notBefore/],
    [{ terminalId: 't', site: 's', now: new Date('nope') }, /valid Date/],
    [{ terminalId: 't', site: 's', p12Password: 'short' }, /p12Password/],
    [{ terminalId: 't', site: 's', p12Password: 'パスワードパスワード' }, /printable ASCII/],
  ];
  for (const [req, message] of cases) {
    await t.rejects(ca.issueTerminalCertificate(req), { code: 'CA_ERROR', message }, JSON.stringify(req));
  }
});

t.test('validity: explicit windows, and never beyond the issuing CA', async (t) => {
  const issuingEnd = new Date(new X509Certificate(ca.issuingCertPem()).validTo);
  const long = await ca.issueTerminalCertificate({ terminalId: 't-long', site: 's', validityDays: 20 * 365 });
  t.equal(long.notAfter.getTime(), issuingEnd.getTime(), 'clipped to the issuing CA notAfter');
  t.equal(new Date(new X509Certificate(long.certPem).validTo).getTime(), issuingEnd.getTime());

  const notBefore = new Date('2025-01-01T00:00:00Z');
  const notAfter = new Date('2025-02-01T00:00:00Z');
  const expired = await ca.issueTerminalCertificate({ terminalId: 't-old', site: 's', notBefore, notAfter });
  t.same([expired.notBefore, expired.notAfter], [notBefore, notAfter], 'explicit window used as given');
  const files = writeFiles(t, { 'b.pem': ca.caBundlePem(), 'e.pem': expired.certPem });
  const r = openssl(['verify', '-CAfile', files['b.pem']!, files['e.pem']!]);
  t.not(r.status, 0);
  t.match(r.output, /certificate has expired/);

  const later = new Date(issuingEnd.getTime() + DAY);
  await t.rejects(ca.issueTerminalCertificate({ terminalId: 't', site: 's', now: later }), {
    code: 'CA_ERROR',
    message: /issuing CA expired/,
  });
});

t.test('describeCertificate reads back what was issued', async (t) => {
  const issued = await ca.issueTerminalCertificate({ terminalId: '端末-07', site: '京都 第2, 解析室', project: 'proj a/b' });
  const d = describeCertificate(issued.certPem);
  t.same(d, {
    subject: 'CN=端末-07,OU=京都 第2\\, 解析室,O=HIC Gateway',
    terminalId: '端末-07',
    site: '京都 第2, 解析室',
    project: 'proj a/b',
    serial: issued.serial,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    fingerprint: issued.fingerprint,
    issuer: 'CN=HIC Gateway Issuing CA,O=HIC Gateway',
    crlUrls: [CRL_URL],
  });
  t.equal(d.subject, issued.subject);
  t.match(new X509Certificate(issued.certPem).subject, /CN=端末-07/, 'UTF8String decoded by OpenSSL too');

  const noProject = describeCertificate((await ca.issueTerminalCertificate({ terminalId: 'x', site: 'y' })).certPem);
  t.equal(noProject.project, undefined);
  t.equal(noProject.terminalId, 'x');

  const server = describeCertificate((await ca.issueServerCertificate({ hostnames: ['gw.test'] })).certPem);
  t.equal(server.terminalId, undefined, 'a server certificate is not a terminal');
  t.equal(server.site, undefined);
  t.equal(server.subject, 'CN=gw.test,O=HIC Gateway');

  t.throws(() => describeCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), { code: 'CA_ERROR' });
  t.throws(() => certificateFingerprint('not a certificate'), { code: 'CA_ERROR' });
});

t.test('serials come from the injected random source and are unique', async (t) => {
  const dir = tempDir(t);
  await initAuthority(dir);
  const clockNow = Math.floor(Date.now() / 1000) * 1000 + 10 * DAY;
  const seeded = await loadAuthority(dir, { random: countingRandom(0x90), clock: { now: () => clockNow } });
  const a = await seeded.issueServerCertificate({ hostnames: ['a.test'] });
  const b = await seeded.issueServerCertificate({ hostnames: ['b.test'] });
  // 0x90 → high bit cleared, 0x40 set: 0x50; then 0x91, 0x92, ... as the counting source yields them.
  t.equal(a.serial, '50' + Buffer.from(Array.from({ length: 15 }, (_, i) => 0x91 + i)).toString('hex'));
  t.equal(b.serial.slice(0, 2), '51');
  t.equal(a.notBefore.getTime(), clockNow - 60_000, 'injected clock used when the request has no now');

  const { csrPem } = createCsr({ commonName: 'shared' });
  const many = await Promise.all(Array.from({ length: 20 }, (_, i) => plainCa.signCsr(csrPem, { terminalId: `t${i}`, site: 's' })));
  t.equal(new Set(many.map((c) => c.serial)).size, 20, 'system randomness gives distinct serials');
});
