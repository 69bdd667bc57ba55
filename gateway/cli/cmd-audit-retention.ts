import { renderTable } from '../audit-review/format.js';
import { retentionReport } from '../audit-review/retention.js';
import { type Command, output } from './command.js';
import { auditDirOf, recordRead, withAuditContext } from './audit-cli.js';

/** `hic audit retention`: LOG-2, which day files may be archived (the gateway never deletes one). */
export const auditRetentionCommand: Command = {
  name: 'audit retention',
  summary: 'Lists audit day files that may be archived: a year after the end of every project they name (LOG-2).',
  usage: `usage: hic audit retention [DIR] [--all] [--json]
Needs the store (REDIS_URL) for the projects' end dates. Lists archivable files; --all also those to keep, with why.
The gateway never deletes a file: archive a day file together with its instance's checkpoints.jsonl.`,
  options: { all: { type: 'boolean' } },
  allowPositionals: true,
  async run({ values, positionals, json }) {
    const dir = auditDirOf(positionals);
    return withAuditContext(true, async (ctx) => {
      await recordRead(ctx, 'audit.retention', { dir });
      const report = await retentionReport(dir, await ctx.stores.projects.list(), ctx.clock.now());
      const shown = values.all === true ? report : report.filter((e) => e.archivable);
      const archivable = report.filter((e) => e.archivable);
      const rows = shown.map((e) => [e.file, e.archivable ? 'archive' : 'keep', e.projects.join(',') || '-', String(e.bytes), e.why]);
      const text = `${rows.length > 0 ? `${renderTable(['file', 'verdict', 'projects', 'bytes', 'why'], rows, 64)}\n` : ''}${archivable.length} of ${report.length} day file(s) may be archived`;
      output(json, { ok: true, files: shown, archivable: archivable.length, total: report.length }, text);
      return 0;
    });
  },
};
