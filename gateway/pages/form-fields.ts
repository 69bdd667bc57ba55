/**
 * Small pieces the staff pages' forms and tables are made of, so each view file says what it shows and not how
 * an input is spelled. Every value goes through esc(); ids are given by the caller (tests and labels use them).
 */
import { formatLocal } from '../core/local-time.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';

/** A time as people read it in the zone, with the ISO UTC time as machine value and tooltip. */
export function localTime(ms: number | null | undefined, zone: string): string {
  if (ms === null || ms === undefined) return '-';
  const iso = new Date(ms).toISOString();
  return `<time datetime="${iso}" title="${iso}">${esc(formatLocal(ms, zone))}</time>`;
}

/** A labelled text input. */
export function textField(id: string, name: string, label: string, value = '', attrs = ''): string {
  return `<label for="${id}">${esc(label)}</label><input type="text" id="${id}" name="${name}" value="${esc(value)}"${attrs ? ` ${attrs}` : ''}>`;
}

/** A labelled date input (`YYYY-MM-DD`, a day in the configured zone). */
export function dateField(id: string, name: string, label: string, value = ''): string {
  return `<label for="${id}">${esc(label)}</label><input type="date" id="${id}" name="${name}" value="${esc(value)}">`;
}

/** A labelled textarea (one value a line). */
export function linesField(id: string, name: string, label: string, lines: readonly string[], attrs = ''): string {
  return `<label for="${id}">${esc(label)}</label><textarea id="${id}" name="${name}" rows="3"${attrs ? ` ${attrs}` : ''}>${esc(lines.join('\n'))}</textarea>`;
}

/** A labelled select; `options` are [value, label] pairs. */
export function selectField(
  id: string,
  name: string,
  label: string,
  options: ReadonlyArray<readonly [string, string]>,
  value = '',
  attrs = '',
): string {
  const opts = options.map(([v, l]) => `<option value="${esc(v)}"${v === value ? ' selected' : ''}>${esc(l)}</option>`).join('');
  return `<label for="${id}">${esc(label)}</label><select id="${id}" name="${name}"${attrs ? ` ${attrs}` : ''}>${opts}</select>`;
}

/** A group of checkboxes sharing one name. */
export function checkboxes(
  name: string,
  legend: string,
  options: ReadonlyArray<readonly [string, string]>,
  checked: readonly string[] = [],
): string {
  return `<fieldset><legend>${esc(legend)}</legend>${options
    .map(
      ([v, l]) =>
        `<label class="check"><input type="checkbox" name="${name}" value="${esc(v)}"${checked.includes(v) ? ' checked' : ''}> ${esc(l)}</label>`,
    )
    .join('')}</fieldset>`;
}

/** A table with a header row; cells are HTML already escaped by the caller. */
export function table(id: string, headers: readonly string[], rows: readonly string[][], empty: string): string {
  if (rows.length === 0) return `<p id="${id}-empty">${esc(empty)}</p>`;
  return `<table id="${id}"><thead><tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A POST form with its CSRF field; `body` holds the inputs and the button. */
export function postForm(action: string, csrf: string, body: string, attrs = ''): string {
  return `<form method="post" action="${esc(action)}"${attrs ? ` ${attrs}` : ''}><input type="hidden" name="_csrf" value="${esc(csrf)}">${body}</form>`;
}

/** The values of a repeated form field (a textarea's lines or checkboxes), trimmed, empties dropped. */
export function listOf(value: unknown): string[] {
  const all = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/\r?\n/) : [];
  return all.map((s) => s.trim()).filter((s) => s !== '');
}

/** One text field of a sent form, trimmed ('' when absent or not text). */
export function textOf(body: Record<string, unknown> | undefined, key: string): string {
  const v = body?.[key];
  return typeof v === 'string' ? v.trim() : '';
}

/** Yes / no in the page's language. */
export const yesNo = (lang: Lang, v: boolean): string => (v ? (lang === 'ja' ? 'はい' : 'yes') : lang === 'ja' ? 'いいえ' : 'no');
