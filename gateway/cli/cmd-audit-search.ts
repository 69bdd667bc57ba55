import { createWriteStream } from 'node:fs';
import { hostname } from 'node:os';
import type { Writable } from 'node:stream';
import { searchTable } from '../audit-review/format.js';
import { searchAudit, searchToArray } from '../audit-review/search.js';
import { emptyStats } from '../audit-review/scan.js';
import { expandTerminals } from '../audit-review/terminals.js';
import { auditRecordToSyslog } from '../siem/audit-syslog.js';
import { type Command, output, UsageError } from './command.js';
import { auditDirOf, describeQuery, QUERY_USAGE, queryFrom, queryOptions, recordRead, withAuditContext } from './audit-cli.js';

/** `hic audit search`: LOG-4 review by user, project, terminal, address, time, event type and decision. */
export const auditSearchCommand: Command = {
  name: 'audit search',
  summary: 'Searches the audit log (user, project, terminal, address, time, event, decision); table or JSON.',
  usage: `usage: hic audit search [DIR] [conditions] [--limit N] [--json]
${QUERY_USAGE}
  --limit N             at most N results, oldest first (default 1000; 0 = all)
Results are in time order across instances; each names its file:line. --json prints {results, truncated, stats}.`,
  options: { ...queryOptions },
  allowPositionals: true,
  async run({ values, positionals, json }) {
    const dir = auditDirOf(positionals);
    const query = queryFrom(values, Date.now(), { limit: 1000 });
    return withAuditContext(false, async (ctx) => {
      // With REDIS_URL, terminal ids also match the certificates they held (access records carry fingerprints).
      if (query.terminal) query.terminal = await expandTerminals(ctx.stores.terminals, query.terminal);
      await recordRead(ctx, 'audit.search', { dir, query: describeQuery(query) });
      const began = Date.now();
      const { results, truncated, stats } = await searchToArray(dir, query);
      const seconds = (Date.now() - began) / 1000;
      const summary = `${results.length}${truncated ? '+' : ''} result(s); ${stats.lines} lines in ${stats.files} files scanned in ${seconds.toFixed(2)} s`;
      if (json) output(true, { ok: true, results, truncated, stats: { ...stats, seconds } }, '');
      else {
        process.stdout.write(results.length > 0 ? `${searchTable(results)}\n` : '');
        process.stderr.write(`${summary}${truncated ? ' (limit reached: narrow the search or raise --limit)' : ''}\n`);
      }
      return 0;
    });
  },
};

/** `hic audit export`: the matching lines, streamed, for a SIEM's batch import. */
export const auditExportCommand: Command = {
  name: 'audit export',
  summary: 'Exports audit lines (same conditions as search) as JSON lines or RFC 5424 syslog lines, streamed.',
  usage: `usage: hic audit export [DIR] [conditions] [--format jsonl|rfc5424] [--out FILE]
${QUERY_USAGE}
  --format   jsonl (default): the audit lines as JSON; rfc5424: one syslog message per line (facility 13, log audit)
  --out      write to FILE (mode 0600) instead of stdout
No limit unless --limit is given. For a live feed, configure audit.siem (pino transport) instead.`,
  options: { ...queryOptions, format: { type: 'string' }, out: { type: 'string' } },
  allowPositionals: true,
  async run({ values, positionals }) {
    const dir = auditDirOf(positionals);
    const format = values.format ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'rfc5424') throw new UsageError('--format: jsonl or rfc5424');
    const query = queryFrom(values, Date.now());
    return withAuditContext(false, async (ctx) => {
      if (query.terminal) query.terminal = await expandTerminals(ctx.stores.terminals, query.terminal);
      await recordRead(ctx, 'audit.export', { dir, format, out: values.out ?? 'stdout', query: describeQuery(query) });
      const sink: Writable = typeof values.out === 'string' ? createWriteStream(values.out, { mode: 0o600 }) : process.stdout;
      const origin = { facility: 13, appName: 'hic-gateway', hostname: hostname(), procId: 'export' };
      const stats = emptyStats();
      let n = 0;
      for await (const { entry } of searchAudit(dir, query, stats)) {
        const line = format === 'jsonl' ? JSON.stringify(entry) : auditRecordToSyslog(entry, { ...origin, procId: String(entry.instance) });
        n += 1;
        if (!sink.write(`${line}\n`)) await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
      }
      if (sink !== process.stdout)
        await new Promise<void>((resolve, reject) => sink.end((err?: Error | null) => (err ? reject(err) : resolve())));
      process.stderr.write(`${n} line(s) exported from ${stats.lines} scanned\n`);
      return 0;
    });
  },
};
