import { filterTerminals, terminalView } from '../terminals/index.js';
import { withCaCli } from './ca-cli.js';
import { formatTable } from './ca-format.js';
import { parseDuration, stringOption } from './ca-options.js';
import { output, UsageError, type Command } from './command.js';

/**
 * `hic ca list`: the terminal register (利用端末管理簿, HIC GL 第5-1). With `--expiring-within` it lists the
 * active terminals whose certificate ends soon (expired ones included), soonest first, so renewal can be planned.
 */
export const caListCommand: Command = {
  name: 'ca list',
  summary: 'Shows the terminal register; --expiring-within 30d lists certificates that need renewal.',
  usage: `usage: hic ca list [--status active|revoked] [--site SITE] [--project P] [--expiring-within 30d]
                   [--home DIR] [--json]
  --expiring-within D   active terminals whose certificate ends within D (e.g. 30d, 2w, 48h), soonest first`,
  options: { status: { type: 'string' }, site: { type: 'string' }, project: { type: 'string' }, 'expiring-within': { type: 'string' } },
  async run({ values, json }) {
    const status = stringOption(values, 'status');
    if (status !== undefined && status !== 'active' && status !== 'revoked') throw new UsageError('--status must be active or revoked');
    const within = stringOption(values, 'expiring-within');
    const filter = {
      status: status as 'active' | 'revoked' | undefined,
      site: stringOption(values, 'site'),
      project: stringOption(values, 'project'),
      expiringWithinMs: within === undefined ? undefined : parseDuration(within, 'expiring-within'),
    };
    return withCaCli({ store: true, ca: false }, async (cli) => {
      const now = cli.ctx.clock.now();
      const views = filterTerminals(await cli.ctx.stores.terminals.list(), filter, now).map((t) => terminalView(t, now));
      await cli.audit('ca.list', {
        filter: { status: status ?? null, site: filter.site ?? null, project: filter.project ?? null, expiringWithin: within ?? null },
        count: views.length,
      });
      output(json, { ok: true, terminals: views }, formatTable(views));
    });
  },
};
