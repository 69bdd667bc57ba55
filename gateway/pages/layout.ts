import { type Lang, text } from './i18n.js';

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML bodies and attribute values. Every value put into a page goes through this. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => entities[c]!);
}

/** The page shell: no inline script or style (the CSP forbids both), language switch, the user's id as a mark. */
export function page(lang: Lang, title: string, body: string, opts: { user?: string; path?: string } = {}): string {
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const switchHref = `${esc(opts.path ?? '/_hic/login')}?lang=${other}`;
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — ${esc(text.title[lang])}</title>
<link rel="stylesheet" href="/_hic/static/style.css"></head>
<body><header><span class="brand">${esc(text.title[lang])}</span>${opts.user ? `<span class="who">${esc(opts.user)}</span>` : ''}<a class="lang" href="${switchHref}">${text.switchLang[lang]}</a></header>
<main>${body}</main></body></html>`;
}

export function notice(kind: 'error' | 'info', message: string): string {
  return `<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${esc(message)}</p>`;
}
