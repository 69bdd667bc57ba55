import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { createCsr } from '../../ca/index.js';
import { readAuditLines } from '../../gateway/audit/index.js';
import { createRedisStores } from '../../gateway/stores/redis/index.js';
import { openssl, tempDir } from '../ca/helpers.js';
import { REDIS_URL } from '../helpers/redis.js';
import { cliEnv, hic } from './helpers.js';

/**
 * `hic ca …` run as separate processes against a real Redis (AUTH-8, HIC GL 第5-4-ii-② / 第5-1): what they
 * issue is checked with the machine's openssl, and every bad input exits non-zero with a clear message.
 */
const env = cliEnv(t, 'ca-cli');
const stores = await createRedisStores({ url: REDIS_URL, prefix: env.prefix });
t.teardown(() => stores.close());
await stores.projects.create({
  id: 'alpha',
  name: 'alpha',
  upstream: 'http://127.0.0.1:9',
  networks: ['127.0.0.0/8'],
  pollingPaths: [],
  startsAt: null,
  endsAt: null,
  status: 'active',
  createdAt: Date.now(),
});
const work = tempDir(t);
const ca = join(env.home, 'ca');
const bundle = join(ca, 'ca-bundle.pem');
const CRL_URL = 'http://gateway.example.test/_hic/crl';

const pemToDer = (pem: string): Buffer => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
const csrPem = (der: Buffer): string =>
  `-----BEGIN CERTIFICATE REQUEST-----\n${der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
function file(name: string, content: string | Buffer): string {
  const path = join(work, name);
  writeFileSync(path, content);
  return path;
}

t.test('ca init: root + issuing CA, encrypted root key, server certificate; a second init is refused', async (t) => {
  const pass = file('root.pass', 'correct horse battery staple\n');
  const r = await hic(env, [
    'ca',
    'init',
    '--crl-url',
    CRL_URL,
    '--root-passphrase-file',
    pass,
    '--hostname',
    'localhost',
    '--ip',
    '127.0.0.1',
    '--json',
  ]);
  t.equal(r.code, 0, r.stderr);
  const out = r.json();
  t.equal(out.crlDistributionUrl, CRL_URL);
  t.equal(out.rootKeyEncrypted, true);
  t.match(readFileSync(join(ca, 'root-ca.key.pem'), 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/, 'root key encrypted at rest');
  const v = openssl(['verify', '-CAfile', join(ca, 'root-ca.cert.pem'), join(ca, 'issuing-ca.cert.pem')]);
  t.equal(v.status, 0, `issuing CA chains to the root: ${v.output}`);
  const issuing = openssl(['x509', '-noout', '-text', '-in', join(ca, 'issuing-ca.cert.pem')]).stdout;
  t.match(issuing, /CA:TRUE, pathlen:0/);
  t.match(issuing, /Certificate Sign, CRL Sign/);
  const server = out.server.certFile as string;
  t.equal(openssl(['verify', '-CAfile', bundle, '-purpose', 'sslserver', server]).status, 0, 'server certificate verifies for sslserver');
  const text = openssl(['x509', '-noout', '-text', '-in', server]).stdout;
  t.match(text, /TLS Web Server Authentication/);
  t.match(text, /DNS:localhost, IP Address:127\.0\.0\.1/);
  t.match(text, new RegExp(`URI:${CRL_URL}`), 'CRL distribution point');

  const again = await hic(env, ['ca', 'init']);
  t.equal(again.code, 1);
  t.match(again.stderr, /already holds a certificate authority; refusing to overwrite it/);
});

let p12Serial = '';
t.test('ca issue-terminal: PKCS#12 opens with the printed password; chain, extensions and register entry', async (t) => {
  const out = join(work, 't-p12.p12');
  const r = await hic(env, [
    'ca',
    'issue-terminal',
    '--terminal',
    't-p12',
    '--site',
    'Site A',
    '--project',
    'alpha',
    '--out',
    out,
    '--requested-by',
    'site-manager-sato',
    '--json',
  ]);
  t.equal(r.code, 0, r.stderr);
  const res = r.json();
  t.match(res.p12Password, /^[A-Za-z0-9_-]{24}$/);
  p12Serial = res.terminal.serial;
  const wrong = openssl(['pkcs12', '-in', out, '-passin', 'pass:not-the-password', '-nodes']);
  t.not(wrong.status, 0, 'a wrong password does not open the bundle');
  const opened = openssl(['pkcs12', '-in', out, '-passin', `pass:${res.p12Password}`, '-nodes', '-clcerts']);
  t.equal(opened.status, 0, opened.output);
  t.match(opened.stdout, /BEGIN PRIVATE KEY/);
  const certPem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(opened.stdout)![0];
  const certFile = file('t-p12.cert.pem', certPem);
  const v = openssl(['verify', '-CAfile', bundle, '-purpose', 'sslclient', certFile]);
  t.equal(v.status, 0, v.output);
  const text = openssl(['x509', '-noout', '-text', '-in', certFile]).stdout;
  t.match(text, /Subject: O = HIC Gateway, OU = Site A, CN = t-p12/);
  t.match(text, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
  t.match(text, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
  t.match(text, /X509v3 Extended Key Usage:\s+TLS Web Client Authentication\n/);
  t.match(text, /X509v3 Subject Key Identifier/);
  t.match(text, /X509v3 Authority Key Identifier/);
  t.match(text, new RegExp(`CRL Distribution Points:[\\s\\S]*URI:${CRL_URL}`));
  t.match(text, /URI:urn:hic:project:alpha/);
  t.match(text, /sha256WithRSAEncryption/);
  const x = new X509Certificate(certPem);
  t.equal(x.serialNumber.toLowerCase(), p12Serial, '128-bit serial as registered');
  // Issued somewhere between the command's start and its end (a loaded machine takes seconds to start a process):
  // backdated about a minute from that moment.
  const validFrom = Date.parse(x.validFrom);
  t.ok(validFrom <= r.endedAt - 50_000 && validFrom >= r.startedAt - 70_000, 'notBefore backdated about a minute');

  const entry = (await stores.terminals.get('t-p12'))!;
  t.equal(entry.fingerprint, x.fingerprint256.replace(/:/g, '').toLowerCase(), 'register holds the certificate fingerprint');
  t.same(
    { site: entry.site, projects: entry.projects, status: entry.status, requestedBy: entry.requestedBy },
    { site: 'Site A', projects: ['alpha'], status: 'active', requestedBy: 'site-manager-sato' },
  );
  t.equal(entry.certificates?.[0]?.issuedBy, 'ops-tanaka', 'the operator is recorded as issuer');
  t.equal(entry.certificates?.[0]?.method, 'pkcs12');
});

t.test('bad input exits non-zero with a clear message', async (t) => {
  // Independent refusals run side by side (each CLI run takes the audit chain's lock in turn).
  const [dup, dupJson, project, usage] = await Promise.all([
    hic(env, ['ca', 'issue-terminal', '--terminal', 't-p12', '--site', 'Site A', '--out', join(work, 'other.p12')]),
    hic(env, ['ca', 'sign-csr', '--csr', join(work, 'unused.csr'), '--terminal', 't-p12', '--site', 'Site A', '--json']),
    hic(env, ['ca', 'issue-terminal', '--terminal', 't-x', '--site', 'S', '--project', 'no-such-study']),
    hic(env, ['ca', 'issue-terminal', '--terminal', 't-y']),
  ]);
  t.equal(dup.code, 1);
  t.match(dup.stderr, /terminal t-p12 is already registered/);
  t.same(
    dupJson.json(),
    { ok: false, error: 'CONFLICT', message: 'terminal t-p12 is already registered' },
    'sign-csr refuses it too, before reading the CSR',
  );
  t.equal(project.code, 1);
  t.match(project.stderr, /unknown project no-such-study/);
  t.equal(usage.code, 2, 'missing option is a usage error');
  t.match(usage.stderr, /--site is required[\s\S]*usage: hic ca issue-terminal/);
  t.equal(await stores.terminals.get('t-x'), null, 'nothing registered by a refused request');
});

let csrSerial = '';
t.test('ca sign-csr: an openssl CSR is certified; weak, forged and malformed CSRs are refused', async (t) => {
  const made = openssl(
    ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'csr.key', '-out', 'good.csr', '-subj', '/CN=whatever'],
    work,
  );
  t.equal(made.status, 0, 'openssl made a 2048-bit CSR');
  const out = join(work, 't-csr.cert.pem');
  const r = await hic(env, [
    'ca',
    'sign-csr',
    '--csr',
    join(work, 'good.csr'),
    '--terminal',
    't-csr',
    '--site',
    'Site B',
    '--project',
    'alpha',
    '--out',
    out,
    '--json',
  ]);
  t.equal(r.code, 0, r.stderr);
  csrSerial = r.json().terminal.serial;
  t.equal(openssl(['verify', '-CAfile', bundle, '-purpose', 'sslclient', out]).status, 0);
  t.match(openssl(['x509', '-noout', '-subject', '-in', out]).stdout, /OU = Site B, CN = t-csr/, 'names from the register, not the CSR');
  t.ok(
    new X509Certificate(readFileSync(out)).checkPrivateKey(
      (await import('node:crypto')).createPrivateKey(readFileSync(join(work, 'csr.key'))),
    ),
    'certifies the terminal key',
  );
  t.equal((await stores.terminals.get('t-csr'))?.certificates?.[0]?.method, 'csr');

  const weak = file('weak.csr', createCsr({ commonName: 'weak', bits: 1024 }).csrPem);
  const der = pemToDer(createCsr({ commonName: 'x' }).csrPem);
  der[der.length - 1]! ^= 0x01; // inside the signature BIT STRING
  const [w, forged, junk] = await Promise.all([
    hic(env, ['ca', 'sign-csr', '--csr', weak, '--terminal', 't-weak', '--site', 'S']),
    hic(env, ['ca', 'sign-csr', '--csr', file('forged.csr', csrPem(der)), '--terminal', 't-forged', '--site', 'S', '--json']),
    hic(env, ['ca', 'sign-csr', '--csr', file('junk.csr', 'hello'), '--terminal', 't-junk', '--site', 'S']),
  ]);
  t.equal(w.code, 1);
  t.match(w.stderr, /the CSR key has 1024 bits; at least 2048 are required/);
  t.equal(forged.code, 1);
  t.equal(forged.json().error, 'CA_ERROR');
  t.match(forged.json().message, /signature does not verify/);
  t.equal(junk.code, 1);
  t.match(junk.stderr, /not PEM text starting with -----BEGIN CERTIFICATE REQUEST-----/);
  for (const id of ['t-weak', 't-forged', 't-junk']) t.equal(await stores.terminals.get(id), null, `${id} not registered`);
});

t.test('renewal keeps the register entry; expiring certificates are listed ahead of time', async (t) => {
  const before = (await stores.terminals.get('t-p12'))!;
  const r = await hic(env, ['ca', 'renew-terminal', '--terminal', 't-p12', '--json']);
  t.equal(r.code, 0, r.stderr);
  const res = r.json();
  t.equal(res.previousSerial, p12Serial);
  t.not(res.terminal.serial, p12Serial, 'new certificate');
  t.equal(openssl(['pkcs12', '-in', res.p12File, '-passin', `pass:${res.p12Password}`, '-nokeys', '-noout']).status, 0, 'new bundle opens');
  const after = (await stores.terminals.get('t-p12'))!;
  t.same(
    { id: after.id, site: after.site, projects: after.projects, registeredAt: after.registeredAt, requestedBy: after.requestedBy },
    { id: before.id, site: before.site, projects: before.projects, registeredAt: before.registeredAt, requestedBy: before.requestedBy },
    'same entry',
  );
  t.same(
    after.certificates?.map((c) => c.status),
    ['superseded', 'current'],
    'history kept',
  );
  t.equal(await stores.terminals.getByFingerprint(before.fingerprint), null, 'the old certificate no longer identifies the terminal');

  const short = await hic(env, [
    'ca',
    'sign-csr',
    '--csr',
    file('short.csr', createCsr({ commonName: 's' }).csrPem),
    '--terminal',
    't-short',
    '--site',
    'Site C',
    '--days',
    '10',
  ]);
  t.equal(short.code, 0, short.stderr);
  const [soonRun, all] = await Promise.all([hic(env, ['ca', 'list', '--expiring-within', '30d', '--json']), hic(env, ['ca', 'list'])]);
  const soon = soonRun.json();
  t.same(
    soon.terminals.map((v: { id: string }) => v.id),
    ['t-short'],
    'only the 10-day certificate expires within 30 days',
  );
  t.equal(soon.terminals[0].daysLeft, 9);
  t.equal(all.code, 0);
  t.match(all.stdout, /^ID\s+SITE\s+PROJECTS\s+STATUS\s+NOT AFTER/);
  t.match(all.stdout, /t-csr\s+Site B\s+alpha\s+active/);
});

t.test('ca revoke by serial; repeated, unknown and malformed revocations are refused; the CRL lists it', async (t) => {
  const r = await hic(env, [
    'ca',
    'revoke',
    '--serial',
    csrSerial.toUpperCase(),
    '--reason',
    'keyCompromise',
    '--note',
    'laptop stolen',
    '--json',
  ]);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.json().terminal.status, 'revoked');
  t.equal(r.json().terminal.id, 't-csr');
  t.type(r.json().crlNumber, 'number');
  const [again, unknown, reason] = await Promise.all([
    hic(env, ['ca', 'revoke', '--terminal', 't-csr', '--reason', 'keyCompromise']),
    hic(env, ['ca', 'revoke', '--terminal', 'no-such-terminal', '--reason', 'keyCompromise', '--json']),
    hic(env, ['ca', 'revoke', '--terminal', 't-short', '--reason', 'bored']),
  ]);
  t.equal(again.code, 1);
  t.match(again.stderr, /terminal t-csr is already revoked/);
  t.equal(unknown.code, 1);
  t.same(unknown.json(), { ok: false, error: 'NOT_FOUND', message: 'unknown terminal no-such-terminal' });
  t.equal(reason.code, 1);
  t.match(reason.stderr, /unknown revocation reason "bored"; use one of unspecified, keyCompromise/);

  const crlFile = join(work, 'crl.der');
  const c = await hic(env, ['ca', 'crl', '--out', crlFile, '--der', '--json']);
  t.equal(c.code, 0, c.stderr);
  t.ok(c.json().number > r.json().crlNumber, 'cRLNumber grows');
  const text = openssl(['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', bundle, '-noout', '-text']);
  t.match(text.output, /verify OK/, 'signed by the issuing CA');
  t.match(text.stdout, new RegExp(`Serial Number: ${csrSerial.toUpperCase()}[\\s\\S]*?Key Compromise`));
  t.match(text.stdout, new RegExp(`Serial Number: ${p12Serial.toUpperCase()}[\\s\\S]*?Superseded`), 'the renewed-away certificate too');
});

t.test('every command has --help; staff actions and refusals are in the CLI audit chain', async (t) => {
  const names = ['init', 'issue-server', 'issue-terminal', 'sign-csr', 'renew-terminal', 'revoke', 'list', 'crl'];
  const helps = await Promise.all(names.map((cmd) => hic(env, ['ca', cmd, '--help'])));
  names.forEach((cmd, i) => {
    t.equal(helps[i]!.code, 0, `${cmd} --help`);
    t.match(helps[i]!.stdout, new RegExp(`usage: hic ca ${cmd}`));
  });
  const lines = [];
  for await (const line of readAuditLines(join(env.home, 'audit'), {
    kind: 'security',
    where: { event: 'staff-action', action: 'ca.revoke' },
  }))
    lines.push(line.entry);
  t.ok(
    lines.some(
      (e) =>
        e.terminalId === 't-csr' && e.by === 'ops-tanaka' && e.reason === 'keyCompromise' && e.via === 'cli' && e.outcome === undefined,
    ),
    'revocation audited',
  );
  t.ok(
    lines.some((e) => e.terminalId === 'no-such-terminal' && e.outcome === 'failed' && e.error === 'NOT_FOUND'),
    'failed attempt audited',
  );
});
