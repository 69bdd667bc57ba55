import t, { type Test } from 'tap';
import { checkPassword, type PasswordRule } from '../../gateway/accounts/password-rules.js';
import { hashPassword, TEST_COST } from '../../gateway/accounts/password-hash.js';
import { loadDefaultPolicy } from '../../policies/policy.js';

const policy = loadDefaultPolicy().password;
const username = 'tanaka01';

async function refusedAs(t: Test, pw: string, rule: PasswordRule, extra: object = {}): Promise<void> {
  const res = await checkPassword(pw, { username, policy, ...extra });
  t.equal(res.ok, false, `${JSON.stringify(pw)} refused`);
  if (!res.ok) {
    t.equal(res.rule, rule, `${JSON.stringify(pw)} refused as ${rule}`);
    t.ok(res.message.ja.length > 0 && res.message.en.length > 0, 'bilingual message');
  }
}

async function accepted(t: Test, pw: string, extra: object = {}): Promise<void> {
  const res = await checkPassword(pw, { username, policy, ...extra });
  t.same(res, { ok: true }, `${JSON.stringify(pw)} accepted`);
}

t.test('length: at least 8 characters (HIC GL 第5-4-i)', async (t) => {
  await refusedAs(t, 'xK7#mQ2', 'too-short');
  await refusedAs(t, '', 'too-short');
  await accepted(t, 'xK7#mQ2!vL');
  t.match((await checkPassword('a1!', { username, policy })) as object, { message: { en: /at least 8/ } });
});

t.test('classes: letters, digits and symbols mixed', async (t) => {
  await refusedAs(t, '12345678!@', 'missing-letter');
  await refusedAs(t, 'abcdEFGH!@', 'missing-digit');
  await refusedAs(t, 'abcdEFGH12', 'missing-symbol');
  await refusedAs(t, 'abcd EFGH 12', 'missing-symbol'); // a space is not a symbol
  await accepted(t, 'パスワード1!安全xz'); // letters of any script count
});

t.test('the user id, forwards, reversed, in any case, or a part of it, is refused', async (t) => {
  await refusedAs(t, 'wQ4!tanaka01', 'contains-username');
  await refusedAs(t, 'wQ4!TANAKA01z', 'contains-username');
  await refusedAs(t, 'Zx!10akanaT9', 'contains-username');
  await refusedAs(t, 'Tanaka#2025xQ', 'contains-username'); // the letters of the id alone
  await refusedAs(t, 'ｔａｎａｋａ０１!Qz', 'contains-username'); // full-width
  const dotted = await checkPassword('Sato#7xkQ2m', { username: 'h.sato', policy });
  t.match(dotted, { ok: false, rule: 'contains-username' });
  const short = await checkPassword('xK7#mQ2!vL', { username: 'xk', policy });
  t.same(short, { ok: true }, 'ids shorter than 3 characters are not searched for');
});

t.test('common and guessable passwords are refused (zxcvbn with dictionaries)', async (t) => {
  await refusedAs(t, 'password123!', 'too-common');
  await refusedAs(t, 'Passw0rd!', 'too-common');
  await refusedAs(t, 'P@ssw0rd2024', 'too-common');
  await refusedAs(t, 'Summer2024!', 'too-common');
  await refusedAs(t, 'qwerty123!', 'too-common');
  await accepted(t, 'Kiri7!Bana9#Tsuki');
});

t.test('the last 5 passwords may not be reused; the 6th-previous may (MID-NET k)', async (t) => {
  const history = ['xK7#mQ2!vL', 'n7$Kd93!qz', 'k3!Vb9@pLm', 'Zq8!rT5#wY', 'gH4%tP8&rJ', 'bW2^eN6*uQ'];
  const previousHashes = await Promise.all(history.map((pw) => hashPassword(pw, TEST_COST))); // newest first
  for (const pw of history.slice(0, 5)) await refusedAs(t, pw, 'reused', { previousHashes });
  await accepted(t, history[5]!, { previousHashes });
  await accepted(t, 'mR9(sD1)kF', { previousHashes });
});

t.test('a mere variation of the current password is refused as reused', async (t) => {
  const currentPassword = 'Kiri7!Bana9#Tsuki';
  await refusedAs(t, 'Kiri8!Bana9#Tsuki', 'reused', { currentPassword });
  await refusedAs(t, 'kiri1?bana2%tsuki', 'reused', { currentPassword });
  await accepted(t, 'yoshino-Sakura-7', { currentPassword });
});
