import { HicError } from '../core/errors.js';
import type { TransferRequest } from '../stores/types.js';
import type { TransferContext } from '../transfers/context.js';
import type { Outcome } from '../transfers/decisions.js';
import { publicTransfer } from '../transfers/views.js';
import { type Command, output, UsageError } from './command.js';
import type { CliContext } from './context.js';

const STATUSES = ['scan-pending', 'pending', 'approved', 'rejected', 'infected', 'placed', 'place-failed'];

/**
 * Runs a transfer command as the operator (HIC_OPERATOR), who must be an active account holding the reviewer role
 * (AC-5): anyone else is refused and the refusal audited.
 */
async function asReviewer<T>(action: string, fn: (tc: TransferContext, ctx: CliContext) => Promise<T>): Promise<T> {
  // Loaded here, not at start-up: every `hic` command shares one module graph, and the transfer services pull in
  // the HTTP client and the parsers that other commands never need.
  const [{ openCliContext }, { cliTransferContext }] = await Promise.all([import('./context.js'), import('../transfers/context.js')]);
  const ctx = await openCliContext();
  try {
    const account = await ctx.stores.accounts.get(ctx.operator);
    if (!account || account.status !== 'active' || !account.roles.includes('reviewer')) {
      await ctx.audit.security({
        event: 'staff-action-refused',
        action,
        by: ctx.operator,
        roles: account?.roles ?? [],
        required: ['reviewer'],
      });
      throw new HicError('FORBIDDEN', `${ctx.operator} does not hold the reviewer role (set HIC_OPERATOR to your reviewer account)`);
    }
    return await fn(cliTransferContext(ctx), ctx);
  } finally {
    await ctx.close();
  }
}

function oneId(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('give exactly one request id');
  return positionals[0]!;
}

function line(r: TransferRequest): string {
  const findings = (publicTransfer(r).findings ?? []).length;
  return `${r.id}  ${r.direction.padEnd(6)} ${r.status.padEnd(12)} ${r.project.padEnd(12)} ${r.user.padEnd(12)} ${r.name}  (${r.size} B, ${findings} finding(s))`;
}

function describe(r: TransferRequest): string {
  const v = publicTransfer(r);
  const head = Object.entries(v)
    .filter(([k]) => k !== 'findings' && k !== 'precheck')
    .map(([k, val]) => `${k.padEnd(12)} ${typeof val === 'object' ? JSON.stringify(val) : String(val)}`);
  const findings = v.findings.map(
    (f) =>
      `  ${f.sheet ? `${f.sheet}!` : ''}${f.cell ?? `row ${f.row}`}  ${f.rule}  ${f.column}=${JSON.stringify(f.value)}${f.detail ? `  (${f.detail})` : ''}`,
  );
  return [
    ...head,
    `findings     ${v.findings.length}`,
    ...findings,
    ...(v.precheck?.problem ? [`problem      ${v.precheck.problem}`] : []),
  ].join('\n');
}

function decision(verb: 'approve' | 'reject', outcome: Outcome): Command {
  return {
    name: `transfer ${verb}`,
    summary: `${verb === 'approve' ? 'Approves' : 'Rejects'} a pending export or import request (reviewer; never your own; audited).`,
    usage: `usage: hic transfer ${verb} ID --comment TEXT [--json]   (HIC_OPERATOR names the reviewer)`,
    options: { comment: { type: 'string' } },
    allowPositionals: true,
    async run({ values, positionals, json }) {
      const id = oneId(positionals);
      const comment = typeof values.comment === 'string' ? values.comment.trim() : '';
      if (!comment) throw new UsageError('--comment is required (the reason for the decision is part of the record)');
      await asReviewer(`transfer.${verb}`, async (tc, ctx) => {
        const { decideTransfer } = await import('../transfers/decisions.js');
        const r = await decideTransfer(tc, id, ctx.operator, outcome, comment);
        output(
          json,
          { ok: true, request: publicTransfer(r) },
          `${r.id} ${r.status} by ${ctx.operator}${r.placement ? ` (written ${r.placement.writtenSha256}, read back ${r.placement.readBackSha256 ?? 'failed'})` : ''}`,
        );
      });
    },
  };
}

export const transferCommands: Command[] = [
  {
    name: 'transfer list',
    summary: 'Lists export and import requests (reviewer), oldest first.',
    usage: `usage: hic transfer list [--status STATUS] [--direction export|import] [--json]\n  statuses: ${STATUSES.join(', ')}`,
    options: { status: { type: 'string' }, direction: { type: 'string' } },
    async run({ values, json }) {
      const status = values.status as string | undefined;
      const direction = values.direction as string | undefined;
      if (status !== undefined && !STATUSES.includes(status))
        throw new UsageError(`unknown status: ${status} (statuses: ${STATUSES.join(', ')})`);
      if (direction !== undefined && direction !== 'export' && direction !== 'import')
        throw new UsageError('--direction is export or import');
      await asReviewer('transfer.list', async (tc, ctx) => {
        const all = (await tc.stores.transfers.list()).filter(
          (r) => (!status || r.status === status) && (!direction || r.direction === direction),
        );
        await ctx.audit.security({
          event: 'staff-action',
          action: 'transfer.list',
          by: ctx.operator,
          count: all.length,
          ...(status ? { status } : {}),
        });
        output(json, { ok: true, requests: all.map(publicTransfer) }, all.length === 0 ? '(no requests)' : all.map(line).join('\n'));
      });
    },
  },
  {
    name: 'transfer show',
    summary: 'Shows one request: file, purpose, analyst, pre-check findings or scan result, decision.',
    usage: 'usage: hic transfer show ID [--json]',
    options: {},
    allowPositionals: true,
    async run({ positionals, json }) {
      const id = oneId(positionals);
      await asReviewer('transfer.show', async (tc, ctx) => {
        const r = await tc.stores.transfers.get(id);
        if (!r) throw new HicError('NOT_FOUND', `unknown request: ${id}`);
        await ctx.audit.security({
          event: 'staff-action',
          action: 'transfer.show',
          by: ctx.operator,
          id,
          user: r.user,
          project: r.project,
          sha256: r.sha256,
        });
        output(json, { ok: true, request: publicTransfer(r) }, describe(r));
      });
    },
  },
  decision('approve', 'approved'),
  decision('reject', 'rejected'),
  {
    name: 'transfer purge',
    summary: 'Deletes quarantine copies past their retention (the hashes stay in the records and the audit log).',
    usage: 'usage: hic transfer purge [--retention-days N] [--json]',
    options: { 'retention-days': { type: 'string' } },
    async run({ values, json }) {
      const days = values['retention-days'] === undefined ? undefined : Number(values['retention-days']);
      if (days !== undefined && (!Number.isInteger(days) || days < 1))
        throw new UsageError('--retention-days must be a whole number of days, at least 1');
      await asReviewer('transfer.purge', async (tc) => {
        const { purgeQuarantine } = await import('../transfers/retention.js');
        const purged = await purgeQuarantine(days ? { ...tc, settings: { ...tc.settings, retentionDays: days } } : tc);
        output(json, { ok: true, purged }, purged.length === 0 ? 'nothing to purge' : `purged ${purged.join(', ')}`);
      });
    },
  },
];
