/** Human-readable output of the `hic ca …` commands (the --json forms print the same data as objects). */
import type { IssuedCertificate } from '../../ca/index.js';
import type { TerminalView } from '../terminals/index.js';

const day = (iso: string | null): string => (iso === null ? '-' : iso.slice(0, 10));

/** One register entry, several lines. */
export function formatTerminal(v: TerminalView): string {
  const lines = [
    `terminal      ${v.id}   (${v.status}${v.expired ? ', expired' : ''})`,
    `site          ${v.site}`,
    `projects      ${v.projects.length > 0 ? v.projects.join(', ') : '(none: staff terminal)'}`,
    `serial        ${v.serial}`,
    `fingerprint   ${v.fingerprint}`,
    `valid         ${v.validFrom ?? '?'} .. ${v.notAfter}   (${v.daysLeft} days left)`,
    `requested by  ${v.requestedBy}${v.requestedAt ? ` at ${v.requestedAt}` : ''}`,
  ];
  if (v.revokedAt) lines.push(`revoked       ${v.revokedAt}   reason: ${v.revocationReason ?? 'unspecified'}`);
  if (v.note) lines.push(`note          ${v.note}`);
  return lines.join('\n');
}

/** What was issued, for the lines after the register entry. */
export function formatCertificate(c: Pick<IssuedCertificate, 'serial' | 'fingerprint' | 'subject' | 'notBefore' | 'notAfter'>): string {
  return [
    `certificate   ${c.subject}`,
    `  serial      ${c.serial}`,
    `  sha-256     ${c.fingerprint}`,
    `  valid       ${c.notBefore.toISOString()} .. ${c.notAfter.toISOString()}`,
  ].join('\n');
}

/** The register as a table. */
export function formatTable(views: readonly TerminalView[]): string {
  if (views.length === 0) return '(no terminals match)';
  const rows = views.map((v) => [
    v.id,
    v.site,
    v.projects.join(',') || '-',
    v.status + (v.expired ? '/expired' : ''),
    day(v.notAfter),
    String(v.daysLeft),
    day(v.revokedAt),
    v.serial,
  ]);
  const header = ['ID', 'SITE', 'PROJECTS', 'STATUS', 'NOT AFTER', 'DAYS', 'REVOKED', 'SERIAL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
