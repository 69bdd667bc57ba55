import type { AuditMatch } from './scan.js';
import type { SessionSummary } from './sessions.js';

/** Plain-text table: one header line, columns padded, cells cut at `max` characters. */
export function renderTable(headers: string[], rows: string[][], max = 48): string {
  const cut = (s: string): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  const cells = rows.map((r) => r.map(cut));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

const str = (v: unknown): string => (v === null || v === undefined ? '-' : typeof v === 'string' ? v : JSON.stringify(v));
/** Fingerprints and session ids are 64 hex digits: the first 12 identify them in a table. */
const short = (v: unknown): string => (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v.slice(0, 12) : str(v));

/** Search results as a table: what happened, to whom, from where; `file:line` points into the log. */
export function searchTable(matches: AuditMatch[]): string {
  const rows = matches.map(({ file, line, entry: e }) => {
    const what = e.kind === 'access' ? 'access' : str(e['event']) + (e['event'] === 'alert' ? `:${str(e['type'])}` : '');
    const detail =
      e.kind === 'access'
        ? `${str(e['method'])} ${str(e['path'])} ${str(e['status'])}`
        : str(e['summary'] ?? e['action'] ?? e['stage'] ?? '');
    return [
      e.time,
      what,
      str(e['user'] ?? e['by']),
      str(e['project']),
      short(e['terminalId'] ?? e['terminal']),
      str(e['address']),
      detail,
      str(e['reason']),
      `${file}:${line}`,
    ];
  });
  return renderTable(['time', 'event', 'user', 'project', 'terminal', 'address', 'detail', 'reason', 'where'], rows);
}

/** Session records as a table (LOG-1). */
export function sessionsTable(sessions: SessionSummary[]): string {
  const rows = sessions.map((s) => [
    short(s.session),
    str(s.user),
    str(s.project),
    str(s.loginAt),
    str(s.endAt),
    s.endReason,
    s.durationMs === null ? '-' : formatDuration(s.durationMs),
    String(s.requests),
    String(s.bytes),
    str(s.terminalId ?? short(s.terminal)),
    s.addresses.length > 0 ? s.addresses.join(',') : str(s.address),
  ]);
  return renderTable(
    ['session', 'user', 'project', 'login', 'end', 'reason', 'duration', 'requests', 'bytes', 'terminal', 'address'],
    rows,
  );
}

/** 3723000 → "1h02m03s". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`
    : m > 0
      ? `${m}m${String(sec).padStart(2, '0')}s`
      : `${sec}s`;
}
