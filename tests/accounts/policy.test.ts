import t from 'tap';
import { loadDefaultPolicy } from '../../policies/policy.js';
import { validatePolicy } from '../../policies/policy-validate.js';
import { isHicError } from '../../gateway/core/errors.js';

t.test('the HIC defaults load and carry the guideline values', async (t) => {
  const policy = loadDefaultPolicy();
  t.same(policy.password, {
    minLength: 8,
    requireClasses: ['letter', 'digit', 'symbol'],
    maxAgeDays: 60,
    neverExpireMinLength: 13,
    historySize: 5,
    initialPasswordMaxAgeDays: 14,
    minZxcvbnScore: 3,
  });
  t.same(policy.lockout, { maxPasswordFailures: 5, maxTotpFailures: 5 });
  t.same(policy.session, { idleTimeoutSeconds: 1200, absoluteLifetimeSeconds: 43200 });
  t.ok(Object.isFrozen(policy.password), 'frozen');
});

t.test('a policy weaker than the guideline is refused, every key named', async (t) => {
  const weak = structuredClone(loadDefaultPolicy()) as unknown as {
    password: Record<string, unknown>;
    lockout: Record<string, unknown>;
    session: Record<string, unknown>;
  };
  weak.password.minLength = 6;
  weak.password.requireClasses = ['letter', 'digit'];
  weak.lockout.maxPasswordFailures = 10;
  weak.session.idleTimeoutSeconds = 3600;
  delete weak.password.historySize;
  try {
    validatePolicy(weak, 'test');
    t.fail('should throw');
  } catch (err) {
    t.ok(isHicError(err) && err.code === 'CONFIG_INVALID');
    const msg = (err as Error).message;
    for (const key of [
      'password.minLength',
      'password.requireClasses',
      'lockout.maxPasswordFailures',
      'session.idleTimeoutSeconds',
      'password.historySize',
    ]) {
      t.match(msg, key);
    }
  }
  t.throws(() => validatePolicy(undefined), /must be an integer/);
});
