import type { Lang } from './i18n.js';
import { esc } from './layout.js';
import { ruleText, statusText, tt } from './transfer-text.js';
import type { Finding } from '../transfers/precheck/types.js';
import type { SheetPreview } from '../transfers/preview.js';
import { columnLetter } from '../transfers/precheck/values.js';

/** Pieces shared by the analyst's and the reviewer's transfer pages. Every value goes through esc(). */

export function statusBadge(status: string, lang: Lang): string {
  return `<span class="status status-${esc(status)}">${esc(statusText[status]?.[lang] ?? status)}</span>`;
}

export function findingsTable(findings: Finding[], lang: Lang): string {
  if (findings.length === 0) return `<p class="notice info">${tt.noFindings[lang]}</p>`;
  const rows = findings.map(
    (f) =>
      `<tr><td>${esc(f.sheet ?? '')}</td><td>${esc(f.cell ?? String(f.row))}</td><td>${esc(f.column)}</td><td><code>${esc(f.value)}</code></td><td>${esc(ruleText[f.rule]?.[lang] ?? f.rule)}<br><small>${esc(f.rule)}${f.detail ? ` — ${esc(f.detail)}` : ''}</small></td></tr>`,
  );
  return `<p>${tt.findingsAdvise[lang]}</p><table class="findings"><thead><tr><th>${lang === 'ja' ? 'シート' : 'Sheet'}</th><th>${lang === 'ja' ? 'セル' : 'Cell'}</th><th>${lang === 'ja' ? '列' : 'Column'}</th><th>${lang === 'ja' ? '値' : 'Value'}</th><th>${lang === 'ja' ? 'ルール' : 'Rule'}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The first rows of each sheet as an HTML table, cells with findings highlighted (class and title). Cells are text:
 * a formula is shown as its text and never evaluated.
 */
export function tablePreview(sheets: SheetPreview[], findings: Finding[], lang: Lang): string {
  const flagged = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.cell) continue;
    const key = `${f.sheet ?? ''}!${f.cell}`;
    flagged.set(key, [...(flagged.get(key) ?? []), f]);
  }
  return sheets
    .map((s) => {
      const width = Math.max(0, ...s.rows.map((r) => r.cells.length));
      const head = `<tr><th></th>${Array.from({ length: width }, (_, i) => `<th>${columnLetter(i)}</th>`).join('')}</tr>`;
      const body = s.rows
        .map(
          (r) =>
            `<tr><th>${r.row}</th>${Array.from({ length: width }, (_, i) => {
              const hits = flagged.get(`${s.name ?? ''}!${columnLetter(i)}${r.row}`);
              const text = esc(r.cells[i] ?? '');
              return hits
                ? `<td class="flagged" title="${esc(hits.map((h) => ruleText[h.rule]?.[lang] ?? h.rule).join(' / '))}">${text}</td>`
                : `<td>${text}</td>`;
            }).join('')}</tr>`,
        )
        .join('');
      return `${s.name !== undefined ? `<h3>${esc(s.name)}</h3>` : ''}<div class="scroll"><table class="preview">${head}${body}</table></div>${s.more ? `<p><small>${tt.previewMore[lang]}</small></p>` : ''}`;
    })
    .join('');
}

export function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
