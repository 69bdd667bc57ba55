import t from 'tap';
import { ManualClock } from '../../gateway/core/clock.js';
import { describePassword, isPasswordExpired, passwordExpiresAt, type PasswordMeta } from '../../gateway/accounts/password-expiry.js';
import { loadDefaultPolicy } from '../../policies/policy.js';

const policy = loadDefaultPolicy().password;
const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2025, 3, 1, 9, 0, 0);

const meta = (pw: string, initial = false): PasswordMeta => ({ changedAt: T0, initial, ...describePassword(pw) });

t.test('describePassword keeps only length and classes', async (t) => {
  t.same(describePassword('xK7#mQ2!vL'), { length: 10, hasAllClasses: true });
  t.same(describePassword('abcdefgh12345'), { length: 13, hasAllClasses: false });
  t.same(describePassword('😀a1!'), { length: 4, hasAllClasses: true }, 'code points, not UTF-16 units');
});

t.test('an ordinary password expires after 60 days (HIC GL 第5-4-i)', async (t) => {
  const m = meta('xK7#mQ2!vL');
  t.equal(passwordExpiresAt(m, policy), T0 + 60 * DAY);
  const clock = new ManualClock(T0);
  clock.advance(59 * DAY);
  t.equal(isPasswordExpired(m, policy, clock), false, 'not at 59 days');
  clock.set(T0 + 60 * DAY - 1);
  t.equal(isPasswordExpired(m, policy, clock), false, 'not 1 ms before 60 days');
  clock.set(T0 + 60 * DAY + 1);
  t.equal(isPasswordExpired(m, policy, clock), true, 'expired at 60 days + 1 ms');
});

t.test('13+ characters mixing letters, digits and symbols never expire', async (t) => {
  const m = meta('Kiri7!Bana9#Ts'); // 14
  t.equal(passwordExpiresAt(m, policy), null);
  t.equal(passwordExpiresAt(meta('Kiri7!Bana9#T'), policy), null, 'exactly 13');
  t.equal(isPasswordExpired(m, policy, new ManualClock(T0 + 10 * 365 * DAY)), false, 'not even after 10 years');
  t.equal(passwordExpiresAt(meta('Kiri7!Bana9#'), policy), T0 + 60 * DAY, '12 characters expire');
  t.equal(passwordExpiresAt(meta('KiriBanaTsuki2025'), policy), T0 + 60 * DAY, 'long but no symbol expires');
});

t.test('an initial (issued) password expires after 14 days, whatever its length', async (t) => {
  const m = meta('Kiri7!Bana9#Tsuki-long-issued', true);
  t.equal(passwordExpiresAt(m, policy), T0 + 14 * DAY);
  const clock = new ManualClock(T0 + 14 * DAY - 1);
  t.equal(isPasswordExpired(m, policy, clock), false);
  clock.advance(2);
  t.equal(isPasswordExpired(m, policy, clock), true);
});
