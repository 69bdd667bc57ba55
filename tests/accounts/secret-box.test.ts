import t from 'tap';
import { readFileSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecretBox } from '../../gateway/accounts/secret-box.js';

/** What `open` throws on any integrity failure: a HicError whose message does not say why. */
const integrity = { name: 'HicError', code: 'CONFIG_INVALID', message: 'The configuration is invalid.' };

t.test('creates a 32-byte key file with mode 0600, and loads it again', async (t) => {
  const dir = t.testdir({});
  const keyFile = join(dir, 'totp.key');
  const box = await SecretBox.loadOrCreate(keyFile);
  t.equal(readFileSync(keyFile).length, 32);
  t.equal(statSync(keyFile).mode & 0o777, 0o600);
  const sealed = box.seal('JBSWY3DPEHPK3PXP');
  const again = await SecretBox.loadOrCreate(keyFile);
  t.equal(again.open(sealed), 'JBSWY3DPEHPK3PXP', 'same key after reload');
});

t.test('two instances starting together end up with one key', async (t) => {
  const keyFile = join(t.testdir({}), 'totp.key');
  const [a, b] = await Promise.all([SecretBox.loadOrCreate(keyFile), SecretBox.loadOrCreate(keyFile)]);
  t.equal(b.open(a.seal('x')), 'x');
});

t.test('round trip; format v1.<nonce>.<ct>.<tag>; fresh nonce each time', async (t) => {
  const box = await SecretBox.loadOrCreate(join(t.testdir({}), 'k'));
  for (const plain of ['GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', '', '秘密🔑']) {
    const sealed = box.seal(plain);
    t.match(sealed, /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/);
    t.equal(box.open(sealed), plain);
  }
  t.not(box.seal('same'), box.seal('same'), 'random nonce');
  t.notMatch(box.seal('GEZDGNBVGY3TQOJQ'), /GEZDGNBV/);
});

t.test('tampering, truncation, another key or another context: HicError', async (t) => {
  const dir = t.testdir({});
  const box = await SecretBox.loadOrCreate(join(dir, 'a'));
  const other = await SecretBox.loadOrCreate(join(dir, 'b'));
  const sealed = box.seal('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 'tanaka01');
  t.equal(box.open(sealed, 'tanaka01'), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');

  const [v, nonce, ct, tag] = sealed.split('.') as [string, string, string, string];
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  const variants: Record<string, string> = {
    'ciphertext bit flipped': [v, nonce, flip(ct, 3), tag].join('.'),
    'nonce changed': [v, flip(nonce, 0), ct, tag].join('.'),
    'tag changed': [v, nonce, ct, flip(tag, 5)].join('.'),
    'tag truncated': [v, nonce, ct, tag.slice(0, 16)].join('.'),
    'ciphertext truncated': [v, nonce, ct.slice(0, -2), tag].join('.'),
    'version changed': ['v2', nonce, ct, tag].join('.'),
    'stray character': [v, nonce, `${ct}!`, tag].join('.'),
    'not sealed at all': 'GEZDGNBVGY3TQOJQ',
  };
  for (const [name, bad] of Object.entries(variants)) {
    t.throws(() => box.open(bad, 'tanaka01'), integrity, name);
  }
  t.throws(() => box.open(sealed, 'sato02'), integrity, 'another user (context)');
  t.throws(() => box.open(sealed), integrity, 'no context');
  t.throws(() => other.open(sealed, 'tanaka01'), integrity, 'another key');
});

t.test('refuses a key file readable by others or of the wrong size', async (t) => {
  const dir = t.testdir({});
  const loose = join(dir, 'loose');
  writeFileSync(loose, Buffer.alloc(32, 1));
  chmodSync(loose, 0o644);
  await t.rejects(SecretBox.loadOrCreate(loose), { code: 'CONFIG_INVALID', message: /chmod 600/ });
  const short = join(dir, 'short');
  writeFileSync(short, Buffer.alloc(16, 1), { mode: 0o600 });
  await t.rejects(SecretBox.loadOrCreate(short), { code: 'CONFIG_INVALID', message: /32 bytes/ });
});
