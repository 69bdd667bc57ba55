/**
 * "Similar" passwords (MID-NET 別紙 2-(3)-iv k: 以前に利用したパスワードや類似したパスワードを使わない).
 * Old passwords are kept only as hashes, so similarity can be judged only against the one the user types in when
 * changing it (the current password); older ones are checked for exact reuse only.
 */

function normalise(pw: string): string {
  return pw.normalize('NFKC').toLowerCase();
}

/** The letters of a password, in order: `Winter2024!` and `winter2025?` share the core `winter`. */
function letterCore(pw: string): string {
  return pw.replace(/[^\p{L}]/gu, '');
}

/** Edit distance, stopping early once it exceeds `limit` (the passwords are short; this is O(n·m) at worst). */
function withinEditDistance(a: string, b: string, limit: number): boolean {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > limit) return false;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      const d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return false;
    prev = row;
  }
  return prev[y.length]! <= limit;
}

/**
 * True if `candidate` is the same as `previous` up to case, width, a changed number or symbol, or at most two
 * edited characters. Such a change adds almost nothing against someone who learnt the old password.
 */
export function isSimilarPassword(candidate: string, previous: string): boolean {
  const a = normalise(candidate);
  const b = normalise(previous);
  if (a === b) return true;
  const core = letterCore(a);
  if (core.length >= 4 && core === letterCore(b)) return true;
  return withinEditDistance(a, b, 2);
}
