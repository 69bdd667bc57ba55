/**
 * Password hashing (AUTH-6: パスワードは不可逆な形でのみ保存). argon2id as recommended by RFC 9106 §4, with the
 * parameters encoded in the stored string, so raising the cost later only needs {@link needsRehash} at login.
 */
import { randomBytes } from 'node:crypto';
import { argon2id, hash, needsRehash as argonNeedsRehash, verify } from 'argon2';
import { Gate } from '../core/gate.js';

/**
 * One argon2 computation at a time per process. A hash runs on libuv's thread pool with `parallelism` lanes
 * (about 1.4 cores for ~110 ms at the production cost); four at once (the pool's size) took two thirds of the
 * proxy's throughput and pushed its p99 to 140 ms during a login storm, one at a time kept it near 60 % and
 * 27 ms at the same login rate, because the cores are the limit either way (docs/performance.md, login storm).
 */
const argon2Gate = new Gate(1);

/** argon2id cost: memory in KiB, passes, lanes. */
export interface HashCost {
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/**
 * Production cost: m = 64 MiB, t = 3, p = 4 (RFC 9106 §4 second recommended option is m = 64 MiB, t = 3;
 * about 100 ms per hash on the target machine, see ENVIRONMENT.md).
 */
export const DEFAULT_COST: HashCost = Object.freeze({ memoryCost: 65536, timeCost: 3, parallelism: 4 });

/**
 * Cheap cost for tests only (m = 4 MiB, t = 2, p = 1; a few ms). argon2 accepts it (its floor is m ≥ 8·p KiB,
 * t ≥ 1) but it is far too weak for stored passwords: never use it outside tests.
 */
export const TEST_COST: HashCost = Object.freeze({ memoryCost: 4096, timeCost: 2, parallelism: 1 });

/** Hashes `pw` with argon2id and a fresh 16-byte salt; returns the PHC string (`$argon2id$v=19$m=…`). */
export async function hashPassword(pw: string, cost: HashCost = DEFAULT_COST): Promise<string> {
  return argon2Gate.run(() => hash(pw, { type: argon2id, ...cost }));
}

/** One dummy hash per cost, made from a random password on first use (not at import: it costs a full hash). */
const dummies = new Map<string, Promise<string>>();

/**
 * A hash of an unknowable random password at `cost`, computed once, lazily. Verifying against it costs the same
 * time as verifying a real user's password, so a login for an unknown user id is not faster (no enumeration).
 */
export function dummyHash(cost: HashCost = DEFAULT_COST): Promise<string> {
  const key = `${cost.memoryCost}/${cost.timeCost}/${cost.parallelism}`;
  let pending = dummies.get(key);
  if (pending === undefined) {
    pending = hashPassword(randomBytes(32).toString('base64url'), cost);
    pending.catch(() => dummies.delete(key));
    dummies.set(key, pending);
  }
  return pending;
}

let verifications = 0;

/**
 * How many password verifications (real or dummy) this process has run: the attack suite checks that every login
 * failure, whatever its cause, costs exactly one (no user enumeration by timing), without timing anything.
 */
export function passwordVerifications(): number {
  return verifications;
}

/**
 * Checks `pw` against a stored argon2 hash.
 *
 * Pass `undefined` when the user does not exist (or has no password): the password is then checked against
 * {@link dummyHash} at `dummyCost` and the answer is `false`, in the same time as a real check. Give the cost
 * real hashes are made with as `dummyCost`. A malformed stored hash also yields `false` (fail closed).
 */
export async function verifyPassword(storedHash: string | undefined, pw: string, dummyCost: HashCost = DEFAULT_COST): Promise<boolean> {
  verifications++;
  if (storedHash === undefined) {
    const dummy = await dummyHash(dummyCost);
    await argon2Gate.run(() => verify(dummy, pw)).catch(() => false);
    return false;
  }
  try {
    return await argon2Gate.run(() => verify(storedHash, pw));
  } catch {
    return false;
  }
}

/** True if `storedHash` was made with other parameters than `cost` (rehash it after a successful login). */
export function needsRehash(storedHash: string, cost: HashCost = DEFAULT_COST): boolean {
  return argonNeedsRehash(storedHash, cost);
}
