import t from 'tap';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadOrCreateSigningKey } from '../../gateway/audit/index.js';

t.test('creates an Ed25519 key once and loads it afterwards', async (t) => {
  const dir = join(t.testdir(), 'keys');
  const a = await loadOrCreateSigningKey(dir);
  t.equal(a.privateKey.asymmetricKeyType, 'ed25519');
  t.equal(statSync(join(dir, 'audit-signing.key.pem')).mode & 0o777, 0o600);
  t.equal(statSync(dir).mode & 0o777, 0o700);
  t.equal(readFileSync(join(dir, 'audit-signing.pub.pem'), 'utf8'), a.publicKeyPem);
  const b = await loadOrCreateSigningKey(dir);
  t.equal(b.publicKeyPem, a.publicKeyPem);
});

t.test('refuses a private key readable by others', async (t) => {
  const dir = join(t.testdir(), 'keys');
  await loadOrCreateSigningKey(dir);
  chmodSync(join(dir, 'audit-signing.key.pem'), 0o644);
  await t.rejects(loadOrCreateSigningKey(dir), { code: 'CONFIG_INVALID', message: /chmod 600/ });
});
