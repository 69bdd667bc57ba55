/**
 * The path as the workspace will understand it, for classifying a request: percent-decoded, dot segments
 * resolved, repeated slashes collapsed, trailing slash dropped. Jupyter serves `/files/count%73.csv`,
 * `/files/./x` and `/files/a/../x` (shared/workspaces/jupyter-notebook-6.4.md), so rules must see through them.
 * Returns null for a path that does not decode (the request is refused).
 */
export function normalisePath(rawPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const out: string[] = [];
  for (const segment of decoded.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return '/' + out.join('/');
}
