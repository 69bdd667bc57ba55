/**
 * Reading cell text the way a person reading the table would: full-width digits, thousands separators, the
 * usual suppression marks and Japanese age labels (年齢階級) are understood.
 */

/** NFKC folds full-width digits and signs (Japanese Excel output) into ASCII. */
export function normalise(text: string): string {
  // Most cells are plain ASCII: NFKC would leave them unchanged, and it is the costliest step per cell.
  return ASCII.test(text) ? text.trim() : text.normalize('NFKC').trim();
}
// eslint-disable-next-line no-control-regex -- the whole ASCII range, NUL included, is what "ASCII" means here
const ASCII = /^[\x00-\x7f]*$/;

const DIGITS = /^\d{1,15}$/;
const NUMBER = /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

/** The number a cell shows, or null when it is not a plain number. */
export function parseCount(text: string): number | null {
  if (DIGITS.test(text)) return Number(text);
  const t = normalise(text);
  if (!NUMBER.test(t)) return null;
  const n = Number(t.replace(/,/g, ''));
  return Number.isFinite(n) ? n : null;
}

/** Marks that publishers use for a suppressed (秘匿) cell. A blank counts only in count columns (caller decides). */
const SUPPRESSED = /^(?:\*+|-|‐|−|ー|x|X|×|秘匿|<\s*\d+|＜\s*\d+|\(\s*\*\s*\)|n\/a|NA)$/;

export function isSuppressed(text: string, blankCounts: boolean): boolean {
  const t = normalise(text);
  if (t === '') return blankCounts;
  return SUPPRESSED.test(t);
}

/** A row or column that adds up the others. */
export const TOTAL = /^(?:合計|計|総数|総計|小計|全体|total|sum|all|grand total|subtotal)$/i;

/** A cell a spreadsheet would evaluate when the file is opened (CSV injection): =, +, -, @ first. */
export function looksLikeFormula(text: string): boolean {
  const first = text.trimStart()[0];
  if (first !== '=' && first !== '+' && first !== '-' && first !== '@') return false;
  const t = text.trim();
  // A signed number or a lone dash (a suppression mark) is data, not a formula.
  return !(NUMBER.test(t) || t === '-' || t === '--');
}

export type Age = { kind: 'band'; from: number; to: number } | { kind: 'open'; from: number } | { kind: 'single'; age: number };

/**
 * Parses an age label: "0-4", "0～4歳", "5〜9", "100+", "100歳以上", "85 and over", "17", "17歳". Null for
 * anything else (a total row, a note).
 */
export function parseAge(text: string): Age | null {
  const t = normalise(text)
    .replace(/\s+/g, '')
    .replace(/[歳才]/g, '')
    .toLowerCase();
  let m = /^(\d{1,3})[-~〜～–—](\d{1,3})$/.exec(t);
  if (m) return { kind: 'band', from: Number(m[1]), to: Number(m[2]) };
  m = /^(\d{1,3})(?:\+|以上|andover|andolder|over|plus)$/.exec(t);
  if (m) return { kind: 'open', from: Number(m[1]) };
  m = /^(\d{1,3})$/.exec(t);
  if (m) return { kind: 'single', age: Number(m[1]) };
  return null;
}

/** A full calendar date (day included): 2024-04-01, 2024/4/1, 20240401, 2024年4月1日, or an Excel date serial when told. */
export function isFullDate(text: string): boolean {
  const t = normalise(text);
  return (
    /^(?:19|20)\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?:[ T].*)?$/.test(t) ||
    /^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$/.test(t) ||
    /^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$/.test(t)
  );
}

/** A Japanese postcode (郵便番号): 123-4567 or 〒1234567. */
export function isPostcode(text: string): boolean {
  return /^〒?\d{3}-?\d{4}$/.test(normalise(text));
}

/** Column letters as a spreadsheet names them: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Column index of a spreadsheet address ("B3" → 1), or -1. */
export function columnIndex(address: string): number {
  const m = /^([A-Z]{1,3})\d*$/.exec(address);
  if (!m) return -1;
  let n = 0;
  for (const ch of m[1]!) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}
