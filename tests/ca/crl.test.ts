import t from 'tap';
import { initAuthority } from '../../ca/index.js';
import type { Authority, IssuedCertificate } from '../../ca/index.js';
import { openssl, tempDir, writeFiles } from './helpers.js';

let ca: Authority;
let revoked: IssuedCertificate;
let good: IssuedCertificate;
t.before(async () => {
  ca = await initAuthority(tempDir(t));
  [revoked, good] = await Promise.all([
    ca.issueTerminalCertificate({ terminalId: 'lost-laptop', site: 's' }),
    ca.issueTerminalCertificate({ terminalId: 'still-fine', site: 's' }),
  ]);
});

t.test('the CRL verifies against the bundle and lists the revoked serials', async (t) => {
  const now = new Date('2030-03-04T05:06:07.890Z');
  const crl = ca.createCrl(
    [
      { serial: revoked.serial, revokedAt: new Date('2030-03-01T00:00:00Z'), reason: 'keyCompromise' },
      { serial: '0A:BC:DE', revokedAt: new Date('2030-03-02T00:00:00Z'), reason: 'unspecified' },
      { serial: 'ff00', revokedAt: new Date('2060-01-01T00:00:00Z'), reason: 'cessationOfOperation' },
    ],
    { now, crlNumber: 42 },
  );
  t.match(crl, /^-----BEGIN X509 CRL-----\n/);
  const files = writeFiles(t, { 'crl.pem': crl, 'bundle.pem': ca.caBundlePem() });

  const verify = openssl(['crl', '-in', files['crl.pem']!, '-CAfile', files['bundle.pem']!, '-noout']);
  t.equal(verify.status, 0, verify.output);
  t.match(verify.output, /verify OK/);

  const text = openssl(['crl', '-in', files['crl.pem']!, '-noout', '-text']).stdout;
  t.match(text, /Version 2 \(0x1\)/);
  t.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
  t.match(text, /Issuer: O = HIC Gateway, CN = HIC Gateway Issuing CA/);
  t.match(text, /Last Update: Mar  4 05:06:07 2030 GMT/, 'thisUpdate = now');
  t.match(text, /Next Update: Mar 11 05:06:07 2030 GMT/, 'nextUpdate = now + 7 days');
  t.match(text, /X509v3 CRL Number:\s+42/);
  t.match(text, /X509v3 Authority Key Identifier/);
  t.match(
    text,
    new RegExp(
      `Serial Number: ${revoked.serial.toUpperCase()}\\s+Revocation Date: Mar  1 00:00:00 2030 GMT\\s+CRL entry extensions:\\s+X509v3 CRL Reason Code:\\s+Key Compromise`,
    ),
  );
  t.match(text, /Serial Number: 0ABCDE\s+Revocation Date: Mar  2 00:00:00 2030 GMT\n/, 'unspecified: no reason code (RFC 5280 5.3.1)');
  t.match(text, /Serial Number: FF00\s+Revocation Date: Jan  1 00:00:00 2060 GMT/, 'GeneralizedTime from 2050');
  t.notMatch(text, new RegExp(good.serial, 'i'), 'unrevoked certificates are not listed');
});

t.test('openssl verify with the CRL rejects the revoked certificate only', async (t) => {
  const crl = ca.createCrl([{ serial: revoked.serial, revokedAt: new Date(), reason: 'keyCompromise' }]);
  const files = writeFiles(t, { 'crl.pem': crl, 'bundle.pem': ca.caBundlePem(), 'revoked.pem': revoked.certPem, 'good.pem': good.certPem });
  const base = ['verify', '-CAfile', files['bundle.pem']!, '-CRLfile', files['crl.pem']!, '-crl_check'];
  const r = openssl([...base, files['revoked.pem']!]);
  t.not(r.status, 0);
  t.match(r.output, /certificate revoked/);
  const g = openssl([...base, files['good.pem']!]);
  t.equal(g.status, 0, g.output);
});

t.test('an empty CRL is valid; crlNumber defaults to the time in seconds', async (t) => {
  const now = new Date('2031-01-01T00:00:00Z');
  const crl = ca.createCrl([], { now });
  const files = writeFiles(t, { 'crl.pem': crl, 'bundle.pem': ca.caBundlePem() });
  t.match(openssl(['crl', '-in', files['crl.pem']!, '-CAfile', files['bundle.pem']!, '-noout']).output, /verify OK/);
  const text = openssl(['crl', '-in', files['crl.pem']!, '-noout', '-text']).stdout;
  t.match(text, /No Revoked Certificates/);
  t.match(text, new RegExp(`CRL Number:\\s+${now.getTime() / 1000}\\b`));
  t.not(ca.createCrl([], { now: new Date(now.getTime() + 1000) }), crl, 'a later CRL differs');
});

t.test('duplicates appear once; bad input is refused', async (t) => {
  const crl = ca.createCrl([
    { serial: 'abcd', revokedAt: new Date() },
    { serial: 'AB:CD', revokedAt: new Date() },
  ]);
  const text = openssl(['crl', '-in', writeFiles(t, { 'c.pem': crl })['c.pem']!, '-noout', '-text']).stdout;
  t.equal(text.match(/Serial Number: ABCD/g)?.length, 1);

  t.throws(() => ca.createCrl([{ serial: 'xyz', revokedAt: new Date() }]), { code: 'CA_ERROR', message: /not a hex serial/ });
  t.throws(() => ca.createCrl([{ serial: 'a'.repeat(41), revokedAt: new Date() }]), { code: 'CA_ERROR' }, 'over 20 octets');
  t.throws(() => ca.createCrl([{ serial: 'ab', revokedAt: new Date(), reason: 'lostIt' }]), {
    code: 'CA_ERROR',
    message: /unknown revocation reason/,
  });
  t.throws(() => ca.createCrl([{ serial: 'ab', revokedAt: new Date('x') }]), { code: 'CA_ERROR', message: /revokedAt/ });
  t.throws(() => ca.createCrl([], { crlNumber: -1 }), { code: 'CA_ERROR', message: /crlNumber/ });
});
