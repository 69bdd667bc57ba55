/**
 * Serial numbers and generated passwords. The random source is injected (as the clock is) so tests can make
 * serials predictable; production uses the operating system's CSPRNG.
 */
import { randomBytes } from 'node:crypto';

/** Returns `size` random bytes. */
export type RandomSource = (size: number) => Buffer;

/** The operating system's CSPRNG. */
export const systemRandom: RandomSource = (size) => randomBytes(size);

const SERIAL_BYTES = 16;

/**
 * A 128-bit serial number as 32 lowercase hex digits.
 *
 * RFC 5280 4.1.2.2: positive, at most 20 octets, unique per CA; unpredictable serials (CA/Browser Forum BR 7.1,
 * at least 64 random bits) also stop chosen-prefix collision attacks. The top bit is cleared so the INTEGER is
 * positive, and the next bit is set so the first octet is never zero: the encoding is then always exactly 16
 * octets (no leading-zero trimming, no sign padding), which leaves 126 random bits.
 */
export function randomSerial(random: RandomSource): string {
  const bytes = Buffer.from(random(SERIAL_BYTES).subarray(0, SERIAL_BYTES));
  if (bytes.length !== SERIAL_BYTES) throw new RangeError('random source returned too few bytes');
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** A PKCS#12 transport password: 18 random bytes (144 bits) as 24 URL-safe characters, easy to type or paste. */
export function generatePassword(random: RandomSource): string {
  return random(18).toString('base64url');
}
