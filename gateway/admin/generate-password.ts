import { randomBytes, randomInt } from 'node:crypto';

const LETTERS = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#%+-=?@_';
const ALL = LETTERS + DIGITS + SYMBOLS;

/**
 * A random password of `length` characters with letters, digits and symbols (AUTH-3); from 13 characters on it
 * never expires. Unambiguous characters only, because initial passwords are handed over on paper.
 */
export function generatePassword(length = 16): string {
  const chars = [LETTERS[randomInt(LETTERS.length)]!, DIGITS[randomInt(DIGITS.length)]!, SYMBOLS[randomInt(SYMBOLS.length)]!];
  const bytes = randomBytes(length);
  for (let i = chars.length; i < length; i++) chars.push(ALL[bytes[i]! % ALL.length]!);
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
