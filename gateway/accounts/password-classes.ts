/**
 * Character classes of a password (HIC GL 第5-4-i: 英字・数字・記号を混在させる). One definition, used both by the
 * rules checked at change time and by the metadata kept for expiry, so the two can never disagree.
 */
import type { CharacterClass } from '../../policies/policy.js';

/**
 * Letters of any script (so a Japanese password is not refused for lacking "letters"), decimal digits of any
 * script, and as symbol anything printable that is neither: punctuation, marks, currency, emoji. White space and
 * control characters count as no class.
 */
const CLASS_PATTERNS: Record<CharacterClass, RegExp> = {
  letter: /\p{L}/u,
  digit: /\p{Nd}/u,
  symbol: /[^\p{L}\p{Nd}\p{White_Space}\p{Cc}]/u,
};

/** The classes present in `pw`. */
export function classesOf(pw: string): Set<CharacterClass> {
  const found = new Set<CharacterClass>();
  for (const cls of Object.keys(CLASS_PATTERNS) as CharacterClass[]) {
    if (CLASS_PATTERNS[cls].test(pw)) found.add(cls);
  }
  return found;
}

/** Length in Unicode code points, not UTF-16 units: an emoji or a rare kanji counts as one character. */
export function passwordLength(pw: string): number {
  return [...pw].length;
}
