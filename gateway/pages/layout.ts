import { type Lang, text } from './i18n.js';
import { STYLE_CSS } from './style.js';

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML bodies and attribute values. Every value put into a page goes through this. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => entities[c]!);
}

export interface PageOptions {
  /** The logged-in user: shown in the header (also a deterrent mark) with the logout link. */
  user?: string;
  /** This page's path, for the language switch. */
  path?: string;
  /** Server time as people read it (`2026-11-27 18:04 JST`), shown next to the user. */
  time?: string;
  /** The staff menu (pages/portal-menu.ts), under the header. */
  menu?: string;
  /** Wide layout for tables (staff consoles). */
  wide?: boolean;
  /** Milliseconds until the idle logout: adds the idle warning script (SES-1: warned two minutes before). */
  idleMs?: number;
  /** Scripts under /_hic/static/ (files only: the CSP has no inline script). */
  scripts?: string[];
}

/**
 * The page shell: an empty icon (so browsers do not ask for /favicon.ico, a workspace path that a staff session or
 * a refused terminal would see refused and that would clutter the access log), the one stylesheet inlined (allowed
 * by its CSP hash, so even the certificate-less 403 page is styled), no inline script, language switch, the user's
 * id and logout when logged in.
 */
export function page(lang: Lang, title: string, body: string, opts: PageOptions = {}): string {
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const switchHref = `${esc(opts.path ?? '/_hic/login')}?lang=${other}`;
  const scripts = [...(opts.scripts ?? []), ...(opts.idleMs !== undefined ? ['idle.js'] : [])];
  const idleAttrs =
    opts.idleMs !== undefined
      ? ` data-idle-ms="${Math.max(0, Math.round(opts.idleMs))}" data-idle-warning="${esc(text.idleWarning[lang])}" data-idle-continue="${esc(text.idleContinue[lang])}"`
      : '';
  const who = opts.user
    ? `<span class="who">${esc(text.userLabel[lang])}: ${esc(opts.user)}</span>${opts.time ? `<span class="clock">${esc(opts.time)}</span>` : ''}<a class="logout" href="/_hic/logout">${text.logout[lang]}</a>`
    : '';
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(title)} — ${esc(text.title[lang])}</title>
<style>${STYLE_CSS}</style>${scripts.map((s) => `\n<script src="/_hic/static/${esc(s)}" defer></script>`).join('')}</head>
<body${idleAttrs}><header><span class="brand">${esc(text.title[lang])}</span>${who}<a class="lang" href="${switchHref}">${text.switchLang[lang]}</a></header>${opts.menu ?? ''}
<main${opts.wide ? ' class="wide"' : ''}>${body}</main></body></html>`;
}

export function notice(kind: 'error' | 'info' | 'ok', message: string): string {
  return `<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${esc(message)}</p>`;
}
