import { checkCsv } from './csv-source.js';
import { kindOf } from './file-kind.js';
import { FindingList } from './findings.js';
import type { PrecheckOptions, PrecheckResult } from './types.js';
import { checkXlsx } from './xlsx-source.js';

export type * from './types.js';
export { guessColumnKind } from './columns.js';
export { COLUMN_KINDS } from './types.js';

const DEFAULT_MAX_FINDINGS = 1_000;

/**
 * The disclosure pre-check of one file in quarantine (SPEC DATA-3, 匿名診療等関連情報 GL 第7-2): tables are checked
 * cell by cell, streaming; text and images are only classified (the reviewer reads them); other kinds are refused.
 * Never throws on the file's content: every problem becomes a finding and a message for the analyst.
 */
export async function precheckFile(path: string, name: string, opts: PrecheckOptions = {}): Promise<PrecheckResult> {
  const findings = new FindingList(opts.maxFindings ?? DEFAULT_MAX_FINDINGS);
  const { kind, format } = await kindOf(path, name);
  const result = (extra: Partial<PrecheckResult>): PrecheckResult => {
    if (findings.dropped > 0)
      findings.items.push({
        rule: 'findings-truncated',
        row: 0,
        column: '',
        value: String(findings.dropped),
        detail: `${findings.dropped} more findings not listed`,
      });
    return { kind, format, sheets: [], findings: findings.items, findingsDropped: findings.dropped, ...extra };
  };
  if (kind === 'other') {
    findings.add({
      rule: 'unsupported-kind',
      row: 0,
      column: '',
      value: name,
      detail: `a ${format} file is neither a table, text nor an image`,
    });
    return result({
      problem: `This kind of file (${format}) cannot be taken out: tables (CSV, TSV, XLSX), text (SQL, code) and images (PNG, JPEG, SVG) can.`,
    });
  }
  if (kind !== 'table') return result({});
  if (format === 'xlsx') {
    const out = await checkXlsx(path, findings, opts);
    return result({ sheets: out.sheets, ...(out.problem ? { problem: out.problem } : {}) });
  }
  const out = await checkCsv(path, format === 'tsv' ? '\t' : ',', findings, opts);
  return result({
    sheets: out.sheet ? [out.sheet] : [],
    ...(out.encoding ? { encoding: out.encoding } : {}),
    ...(out.problem ? { problem: out.problem } : {}),
  });
}
