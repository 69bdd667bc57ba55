import t from 'tap';
import { DEFAULT_COST, dummyHash, hashPassword, needsRehash, TEST_COST, verifyPassword } from '../../gateway/accounts/password-hash.js';

t.test('argon2id round trip', async (t) => {
  const h = await hashPassword('xK7#mQ2!vL', TEST_COST);
  t.match(h, /^\$argon2id\$v=19\$m=4096,p=1,t=2\$/);
  t.not(h.includes('xK7#mQ2!vL'), true);
  t.equal(await verifyPassword(h, 'xK7#mQ2!vL'), true);
  t.equal(await verifyPassword(h, 'xK7#mQ2!vl'), false);
  t.not(await hashPassword('xK7#mQ2!vL', TEST_COST), h, 'salted');
});

t.test('unknown user: checked against the dummy hash, always false', async (t) => {
  t.equal(await verifyPassword(undefined, 'anything', TEST_COST), false);
  const d1 = await dummyHash(TEST_COST);
  t.equal(await dummyHash(TEST_COST), d1, 'computed once');
  t.match(d1, /^\$argon2id\$v=19\$m=4096,p=1,t=2\$/, 'at the requested cost');
});

t.test('malformed stored hash fails closed', async (t) => {
  t.equal(await verifyPassword('not-a-hash', 'x'), false);
});

t.test('needsRehash compares with the wanted cost', async (t) => {
  const h = await hashPassword('xK7#mQ2!vL', TEST_COST);
  t.equal(needsRehash(h, TEST_COST), false);
  t.equal(needsRehash(h, DEFAULT_COST), true);
  t.same(DEFAULT_COST, { memoryCost: 65536, timeCost: 3, parallelism: 4 });
});
