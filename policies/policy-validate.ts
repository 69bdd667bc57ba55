/**
 * Validation of a {@link HicPolicy}: shape and guideline floors. Every error is collected and named by its key
 * (every problem collected, none stopping at the first), so one start-up shows all that is wrong.
 */
import { HicError } from '../gateway/core/errors.js';
import type { CharacterClass, HicPolicy } from './policy.js';

const CLASSES: readonly CharacterClass[] = ['letter', 'digit', 'symbol'];

type Bound = { min: number; max?: number; why?: string };

/** Integer fields and the range the guidelines allow; a value outside is weaker than the guideline (or absurd). */
const INTEGER_RULES: Record<string, Bound> = {
  'password.minLength': { min: 8, why: 'HIC GL 第5-4-i: at least 8 characters' },
  'password.maxAgeDays': { min: 1, max: 60, why: 'HIC GL 第5-4-i: change every 2 months' },
  'password.neverExpireMinLength': { min: 13, why: 'HIC GL 第5-4-i: only 13+ characters may skip periodic change' },
  'password.historySize': { min: 1, why: 'MID-NET 別紙 2-(3)-iv k: no reuse of previous passwords' },
  'password.initialPasswordMaxAgeDays': { min: 1, max: 60 },
  'password.minZxcvbnScore': { min: 0, max: 4 },
  'lockout.maxPasswordFailures': { min: 1, max: 5, why: 'HIC GL 第5-4-i: lock after 5 failed entries' },
  'lockout.maxTotpFailures': { min: 1, max: 5 },
  'session.idleTimeoutSeconds': { min: 1, max: 1200, why: 'HIC GL 第5-4-ii-①: logout after 20 minutes idle' },
  'session.absoluteLifetimeSeconds': { min: 1 },
};

function at(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Checks that `value` is a complete policy no weaker than the guidelines and returns it typed and frozen.
 *
 * @param value - parsed JSON
 * @param source - where it came from, for the error message
 * @throws HicError `CONFIG_INVALID` listing every offending key
 */
export function validatePolicy(value: unknown, source = 'policy'): HicPolicy {
  const errors: string[] = [];
  for (const [key, bound] of Object.entries(INTEGER_RULES)) {
    const v = at(value, key);
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      errors.push(`${key}: must be an integer`);
    } else if (v < bound.min || (bound.max !== undefined && v > bound.max)) {
      const range = bound.max === undefined ? `>= ${bound.min}` : `${bound.min}..${bound.max}`;
      errors.push(`${key}: must be ${range}${bound.why ? ` (${bound.why})` : ''}`);
    }
  }
  const classes = at(value, 'password.requireClasses');
  if (!Array.isArray(classes) || classes.some((c) => !CLASSES.includes(c as CharacterClass))) {
    errors.push(`password.requireClasses: must be a list of ${CLASSES.join(', ')}`);
  } else if (CLASSES.some((c) => !classes.includes(c))) {
    errors.push('password.requireClasses: must contain letter, digit and symbol (HIC GL 第5-4-i)');
  }
  const initial = at(value, 'password.initialPasswordMaxAgeDays');
  const maxAge = at(value, 'password.maxAgeDays');
  if (typeof initial === 'number' && typeof maxAge === 'number' && initial > maxAge) {
    errors.push('password.initialPasswordMaxAgeDays: must not exceed password.maxAgeDays');
  }
  const idle = at(value, 'session.idleTimeoutSeconds');
  const absolute = at(value, 'session.absoluteLifetimeSeconds');
  if (typeof idle === 'number' && typeof absolute === 'number' && absolute < idle) {
    errors.push('session.absoluteLifetimeSeconds: must not be shorter than session.idleTimeoutSeconds');
  }
  if (errors.length > 0) {
    throw new HicError('CONFIG_INVALID', `${source}: ${errors.join('; ')}`);
  }
  const policy = value as HicPolicy;
  return Object.freeze({
    password: Object.freeze({ ...policy.password, requireClasses: Object.freeze([...policy.password.requireClasses]) }),
    lockout: Object.freeze({ ...policy.lockout }),
    session: Object.freeze({ ...policy.session }),
  });
}
