import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import t from 'tap';
import type { Test } from 'tap';
import { initAuthority, loadAuthority } from '../../ca/index.js';
import type { Authority } from '../../ca/index.js';
import { openssl, tempDir, writeFiles } from './helpers.js';

const spki = (key: Parameters<typeof createPublicKey>[0]): string =>
  createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('hex');

let dir: string;
let ca: Authority;
t.before(async () => {
  dir = tempDir(t);
  ca = await initAuthority(dir);
});

/** Opens a bundle with plain `openssl pkcs12` (no -legacy) on the machine's OpenSSL 3, the way an operator would. */
function openP12(t: Test, p12: Buffer, password: string): { status: number | null; pem: string; info: string } {
  const files = writeFiles(t, { 'terminal.p12': p12 });
  const r = openssl(['pkcs12', '-in', files['terminal.p12']!, '-passin', `pass:${password}`, '-nodes', '-info']);
  return { status: r.status, pem: r.stdout, info: r.stderr };
}

for (const algorithm of ['aes256', '3des'] as const) {
  t.test(`PKCS#12 (${algorithm}) opens with plain openssl pkcs12 and holds key, leaf and chain`, async (t) => {
    const authority = algorithm === 'aes256' ? ca : await loadAuthority(dir, { p12Algorithm: algorithm });
    const issued = await authority.issueTerminalCertificate({ terminalId: 'term-p12', site: 'Osaka', project: 'p1' });
    t.match(issued.p12Password, /^[A-Za-z0-9_-]{24}$/, 'generated password: 24 URL-safe characters');

    const opened = openP12(t, issued.p12, issued.p12Password);
    t.equal(opened.status, 0, `opens without -legacy: ${opened.info}`);
    t.match(opened.info, algorithm === 'aes256' ? /AES-256-CBC/ : /3-KeyTripleDES|DES-EDE3/, 'the requested PBE was used');
    t.match(opened.pem, /friendlyName: term-p12/, 'friendlyName = terminal id');

    const certs = [...opened.pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(
      (m) => new X509Certificate(m[0]),
    );
    t.equal(certs.length, 3, 'leaf, issuing CA and root');
    t.equal(certs[0]?.fingerprint256, new X509Certificate(issued.certPem).fingerprint256, 'leaf first');
    t.equal(certs[1]?.fingerprint256, new X509Certificate(ca.issuingCertPem()).fingerprint256);
    t.equal(certs[2]?.fingerprint256, new X509Certificate(ca.rootCertPem()).fingerprint256);

    const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(opened.pem)?.[0];
    t.ok(keyPem, 'private key present');
    t.equal(spki(createPrivateKey(keyPem!)), spki(issued.keyPem), 'the same key as keyPem');
    t.ok(certs[0]?.checkPrivateKey(createPrivateKey(keyPem!)), 'key matches the leaf');

    t.not(openP12(t, issued.p12, 'wrong-password').status, 0, 'a wrong password is refused');
  });
}

t.test('a given PKCS#12 password is used as is', async (t) => {
  const issued = await ca.issueTerminalCertificate({ terminalId: 'term-pw', site: 's', p12Password: 'Operator chose this!' });
  t.equal(issued.p12Password, 'Operator chose this!');
  t.equal(openP12(t, issued.p12, 'Operator chose this!').status, 0);
});

t.test('two bundles never share a generated password', async (t) => {
  const [a, b] = await Promise.all([
    ca.issueTerminalCertificate({ terminalId: 'a', site: 's' }),
    ca.issueTerminalCertificate({ terminalId: 'b', site: 's' }),
  ]);
  t.not(a.p12Password, b.p12Password);
  t.not(spki(a.keyPem), spki(b.keyPem), 'each terminal gets its own key');
});
