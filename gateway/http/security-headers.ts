import { STYLE_HASH } from '../pages/style.js';

/**
 * Headers on every page the gateway itself serves: a strict CSP — scripts only as files from the gateway itself
 * (/_hic/static/*.js; no inline script), styles only from the gateway or the one inlined stylesheet allowed by its
 * hash (no 'unsafe-inline') — no framing, no caching of pages that may show personal data.
 */
export const GATEWAY_PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': `default-src 'none'; style-src 'self' ${STYLE_HASH}; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'strict-transport-security': 'max-age=31536000',
};
