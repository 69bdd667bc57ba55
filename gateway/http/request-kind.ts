import type { IncomingHttpHeaders } from 'node:http';

/**
 * API-style requests (scripts, XHR) get JSON errors and 401s; browser navigations get pages and redirects to
 * the login page.
 */
export function wantsJson(path: string, headers: IncomingHttpHeaders): boolean {
  if (path.startsWith('/_hic/api/')) return true;
  if (headers['x-requested-with'] !== undefined) return true;
  const accept = headers.accept ?? '';
  if (accept.includes('text/html')) return false;
  if (headers['sec-fetch-mode'] === 'navigate') return false;
  return accept.includes('application/json') || headers['content-type']?.includes('application/json') === true || accept === '';
}
