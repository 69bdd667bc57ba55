import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { openssl, tempDir } from '../ca/helpers.js';
import { cliEnv, hic } from './helpers.js';

/** Issue 14, found: `hic ca issue-terminal` wrote only PKCS#12; `--pem` also writes the certificate and key for scripts. */
const env = cliEnv(t, 'ca-pem');
const work = tempDir(t);

t.test('--pem writes FILE.cert.pem and FILE.key.pem (0600) that belong together and verify against the CA', async (t) => {
  const init = await hic(env, ['ca', 'init', '--json']);
  t.equal(init.code, 0, init.stderr);
  const out = join(work, 'staff-pc.p12');
  const r = await hic(env, ['ca', 'issue-terminal', '--terminal', 'staff-pc', '--site', 'HQ', '--out', out, '--pem', '--json']);
  t.equal(r.code, 0, r.stderr);
  const res = r.json();
  const cert = join(work, 'staff-pc.cert.pem');
  const key = join(work, 'staff-pc.key.pem');
  t.match(res, { p12File: out, certPemFile: cert, keyPemFile: key });
  t.notMatch(r.stdout, /PRIVATE KEY/, 'the key is written to its file, never printed');
  t.equal(statSync(key).mode & 0o777, 0o600);
  t.equal(statSync(cert).mode & 0o777, 0o644);
  const bundle = join(env.home, 'ca', 'ca-bundle.pem');
  const verify = openssl(['verify', '-CAfile', bundle, '-purpose', 'sslclient', cert]);
  t.equal(verify.status, 0, verify.output);
  const certKey = openssl(['x509', '-noout', '-pubkey', '-in', cert]).stdout;
  const keyPub = openssl(['pkey', '-pubout', '-in', key]).stdout;
  t.equal(keyPub, certKey, "the key is the certificate's");
  t.match(
    openssl(['x509', '-noout', '-fingerprint', '-sha256', '-in', cert]).stdout.replace(/:/g, '').toLowerCase(),
    res.terminal.fingerprint.toLowerCase(),
  );
});

t.test('an existing PEM file is never overwritten, and nothing is registered then', async (t) => {
  const out = join(work, 'pc-2.p12');
  writeFileSync(join(work, 'pc-2.key.pem'), "someone else's key");
  const r = await hic(env, ['ca', 'issue-terminal', '--terminal', 'pc-2', '--site', 'HQ', '--out', out, '--pem']);
  t.equal(r.code, 1);
  t.match(r.stderr, /pc-2\.key\.pem/);
  t.equal(existsSync(out), false, 'no bundle written');
  const list = await hic(env, ['ca', 'list', '--json']);
  t.notOk(JSON.stringify(list.json()).includes('"pc-2"'), 'pc-2 is not in the register');
});
