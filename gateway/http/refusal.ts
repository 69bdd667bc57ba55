import type { IncomingHttpHeaders } from 'node:http';
import { errorCatalogue, type ErrorCode } from '../core/errors.js';
import { denialText, pickLang, text, type Lang } from '../pages/i18n.js';
import { page } from '../pages/layout.js';
import type { Decision } from '../request-path/decision.js';
import { wantsJson } from './request-kind.js';
import { GATEWAY_PAGE_HEADERS } from './security-headers.js';

export type Refused = Extract<Decision, { allow: false }>;

/** A refusal as bytes to send: the same for a Fastify reply and for a raw upgrade socket. */
export interface RefusalResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface RefusedRequest {
  method: string;
  /** The request target as sent (the login page returns to it). */
  url: string;
  headers: IncomingHttpHeaders;
  /** `?lang=` of the request, if any. */
  lang?: string | undefined;
  upgrade?: boolean;
}

function errorCode(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'NOT_AUTHENTICATED';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 502:
      return 'UPSTREAM_UNAVAILABLE';
    case 503:
      return 'STORE_UNAVAILABLE';
    default:
      return 'FORBIDDEN';
  }
}

function heading(status: number, lang: Lang): string {
  if (status === 404) return text.notFound[lang];
  if (status === 502 || status === 503) return text.unavailable[lang];
  return text.denied[lang];
}

const NO_STORE = { 'cache-control': 'no-store' };

/**
 * The one refusal writer for HTTP and WebSocket upgrades: what the person or script should see, never internals.
 * A browser without a session is sent to the login page; scripts (and the workspace's own front end, which shows
 * `message`) get JSON `{error, message, reason?}`; people get a plain page. Reasons a person can act on (their
 * terminal, their network, the data boundary) are explained; every other reason stays in the access log only.
 */
export function refusalResponse(decision: Refused, req: RefusedRequest): RefusalResponse {
  const json = req.upgrade === true || wantsJson(req.url, req.headers);
  const explained = denialText[decision.reason];
  const navigation = !json && (req.method === 'GET' || req.method === 'HEAD');
  if (decision.status === 401 && navigation) {
    const next = encodeURIComponent(req.url.startsWith('/_hic/') ? '/' : req.url);
    const idle = decision.reason === 'session-idle-expired' ? '&idle=1' : '';
    return { status: 302, headers: { ...NO_STORE, location: `/_hic/login?next=${next}${idle}` }, body: '' };
  }
  if (decision.reason === 'password-change-required' && !json) {
    return { status: 302, headers: { ...NO_STORE, location: '/_hic/password' }, body: '' };
  }
  const lang = pickLang(req.headers, req.lang);
  const code = errorCode(decision.status);
  if (json) {
    const body: Record<string, string> = { error: code, message: explained?.[lang] ?? errorCatalogue[code].message };
    if (explained) body.reason = decision.reason;
    return {
      status: decision.status,
      headers: { ...NO_STORE, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
    };
  }
  const title = heading(decision.status, lang);
  const message = explained?.[lang] ?? (decision.status === 401 ? text.loginExpired[lang] : title);
  const html = page(lang, title, `<h1>${title}</h1><p>${message}</p>`);
  return { status: decision.status, headers: { ...GATEWAY_PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }, body: html };
}

const REASON_PHRASE: Record<number, string> = {
  302: 'Found',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The refusal as a raw HTTP/1.1 response, for an upgrade request that never reached Fastify's reply. */
export function rawRefusal(r: RefusalResponse): string {
  let head = `HTTP/1.1 ${r.status} ${REASON_PHRASE[r.status] ?? 'Error'}\r\nconnection: close\r\n`;
  for (const [name, value] of Object.entries(r.headers)) head += `${name}: ${value}\r\n`;
  return `${head}content-length: ${Buffer.byteLength(r.body)}\r\n\r\n${r.body}`;
}
