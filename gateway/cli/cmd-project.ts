import { join } from 'node:path';
import { authorityExists, loadAuthority } from '../../ca/index.js';
import { addProject, endProject, requireProject, resumeProject, suspendProject } from '../projects/project-service.js';
import { DAY_FORMAT_HINT, dayEndExclusive, dayStart, formatLocalDay, lastDayOf } from '../core/local-time.js';
import { type Command, output, UsageError } from './command.js';
import { zoneOrUsage } from './zone.js';
import { requireReason, withContext } from './cmd-user.js';

export function oneProject(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError("give exactly one project id (lower-case letters, digits and '-', e.g. study-001)");
  return positionals[0]!;
}

/**
 * `--start` / `--end`: strictly `YYYY-MM-DD`, a day in the CLI's zone (HIC_TIMEZONE, default Asia/Tokyo). The
 * start is that day's 00:00 local; the end day is inclusive (to 23:59:59.999 local), stored as the next local
 * midnight. Anything else (2027/3/31, 01/04/2027, 2027-02-30, an ISO time) is refused with what is allowed.
 */
export const DATES_HELP = `  --start / --end: a day as YYYY-MM-DD in HIC_TIMEZONE (default Asia/Tokyo); the end day is included up to
  23:59:59.999 local. Other forms (2027/3/31, 01/04/2027, an ISO time) are refused.`;

export function parseDayOption(flag: 'start' | 'end', value: unknown, zone: string): number | null {
  if (value === undefined) return null;
  const text = String(value);
  const ms = flag === 'end' ? dayEndExclusive(text, zone) : dayStart(text, zone);
  if (ms === null) {
    throw new UsageError(
      `--${flag}: "${text}" is not a day; use ${DAY_FORMAT_HINT} (a day that exists, in ${zone}${flag === 'end' ? '; the end day is included up to 23:59:59.999' : ''})`,
    );
  }
  return ms;
}

export function describe(p: Record<string, unknown>): string {
  return Object.entries(p)
    .map(
      ([k, v]) => `${k.padEnd(12)} ${Array.isArray(v) ? (v.length ? v.join(', ') : '-') : v === null || v === undefined ? '-' : String(v)}`,
    )
    .join('\n');
}

/** A project for people: the usage period as days in the zone (the last day inclusive), ISO times for scripts. */
export function view(p: import('../stores/types.js').Project, zone: string): Record<string, unknown> {
  const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
  return {
    id: p.id,
    name: p.name,
    status: p.status,
    profile: p.profile ?? null,
    upstream: p.upstream,
    networks: p.networks,
    pollingPaths: p.pollingPaths,
    firstDay: p.startsAt == null ? null : formatLocalDay(p.startsAt, zone),
    lastDay: p.endsAt == null ? null : lastDayOf(p.endsAt, zone),
    timeZone: zone,
    startsAt: iso(p.startsAt),
    endsAt: iso(p.endsAt),
    endedAt: iso(p.endedAt),
    createdAt: iso(p.createdAt),
  };
}

export const projectCommands: Command[] = [
  {
    name: 'project add',
    summary: 'Creates an approved study: its workspace upstream, approved networks and usage period.',
    usage:
      'usage: hic project add ID --upstream URL --network CIDR [--network CIDR ...] [--name NAME] [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--polling PATH ...] [--profile jupyter-notebook-6.4] [--credential-file FILE] [--workspace-terminals] [--json]\n' +
      '  --credential-file FILE   the workspace credential the gateway presents (one line, mode 0600; required by profiles that name one)\n' +
      '  --workspace-terminals    allow shells in the workspace (refused by default)\n' +
      DATES_HELP,
    options: {
      upstream: { type: 'string' },
      'credential-file': { type: 'string' },
      'workspace-terminals': { type: 'boolean' },
      network: { type: 'string', multiple: true },
      name: { type: 'string' },
      start: { type: 'string' },
      end: { type: 'string' },
      polling: { type: 'string', multiple: true },
      profile: { type: 'string' },
    },
    allowPositionals: true,
    async run({ values, positionals, json }) {
      const id = oneProject(positionals);
      if (typeof values.upstream !== 'string') throw new UsageError('--upstream is required');
      const networks = (values.network as string[] | undefined) ?? [];
      if (networks.length === 0) throw new UsageError('at least one --network CIDR is required (AC-1)');
      const zone = zoneOrUsage();
      const startsAt = parseDayOption('start', values.start, zone);
      const endsAt = parseDayOption('end', values.end, zone);
      await withContext(async (ctx) => {
        const p = await addProject(
          ctx,
          {
            id,
            upstream: values.upstream as string,
            networks,
            startsAt,
            endsAt,
            ...(typeof values.name === 'string' ? { name: values.name } : {}),
            ...(typeof values.profile === 'string' ? { profile: values.profile } : {}),
            ...(typeof values['credential-file'] === 'string' ? { credentialFile: values['credential-file'] } : {}),
            ...(values['workspace-terminals'] === true ? { workspaceTerminals: true } : {}),
            pollingPaths: (values.polling as string[] | undefined) ?? [],
          },
          ctx.operator,
        );
        output(json, { ok: true, project: view(p, zone) }, `created project ${id}\n${describe(view(p, zone))}`);
      });
    },
  },
  {
    name: 'project show',
    summary: 'Shows a project and its members.',
    usage: 'usage: hic project show ID [--json]',
    options: {},
    allowPositionals: true,
    async run({ positionals, json }) {
      const id = oneProject(positionals);
      await withContext(async (ctx) => {
        const p = view(await requireProject(ctx, id), zoneOrUsage());
        const members = (await ctx.stores.accounts.list())
          .filter((a) => a.project === id)
          .map((a) => ({ username: a.username, status: a.status, locked: a.lockedAt !== null }));
        const terminals = (await ctx.stores.terminals.list())
          .filter((t) => t.projects.includes(id))
          .map((t) => ({ id: t.id, status: t.status }));
        output(
          json,
          { ...p, members, terminals },
          `${describe(p)}\nmembers      ${members.map((m) => `${m.username}(${m.status})`).join(', ')}\nterminals    ${terminals.map((t) => `${t.id}(${t.status})`).join(', ')}`,
        );
      });
    },
  },
  {
    name: 'project suspend',
    summary: 'Suspends every account of a project at once (sessions and connections end on every instance).',
    usage: 'usage: hic project suspend ID --reason REASON [--json]',
    options: { reason: { type: 'string' } },
    allowPositionals: true,
    async run({ values, positionals, json }) {
      const id = oneProject(positionals);
      const reason = requireReason(values);
      await withContext(async (ctx) => {
        const users = await suspendProject(ctx, id, reason, ctx.operator);
        output(json, { ok: true, project: id, suspended: users }, `suspended ${users.length} account(s) of ${id}: ${users.join(', ')}`);
      });
    },
  },
  {
    name: 'project resume',
    summary: 'Resumes a suspended project: the accounts its suspension stopped work again (their users log in anew).',
    usage:
      'usage: hic project resume ID --reason REASON [--json]\n' +
      '  Resumes only the accounts that `hic project suspend` stopped; an account suspended on its own (before, or\n' +
      '  again since) stays suspended (resume it with `hic user resume USER --reason R`). Audited as project.resume.',
    options: { reason: { type: 'string' } },
    allowPositionals: true,
    async run({ values, positionals, json }) {
      const id = oneProject(positionals);
      const reason = requireReason(values);
      await withContext(async (ctx) => {
        const r = await resumeProject(ctx, id, reason, ctx.operator);
        const left = r.skipped.map((s) => `${s.user} (${s.why})`).join(', ');
        output(
          json,
          { ok: true, project: id, ...r },
          `resumed ${r.resumed.length} account(s) of ${id}: ${r.resumed.join(', ') || '-'}${left ? `\nleft as they are: ${left}` : ''}`,
        );
      });
    },
  },
  {
    name: 'project end',
    summary: 'Ends a project (利用終了書): its accounts and certificates stop at once; records are kept.',
    usage: 'usage: hic project end ID [--json]',
    options: {},
    allowPositionals: true,
    async run({ positionals, json }) {
      const id = oneProject(positionals);
      await withContext(async (ctx) => {
        const caDir = join(ctx.home, 'ca');
        const authority = authorityExists(caDir) ? await loadAuthority(caDir, { clock: ctx.clock }) : null;
        const r = await endProject(ctx, id, ctx.operator, authority);
        output(
          json,
          { ok: true, project: id, status: 'ended', ...r },
          `ended ${id}: accounts suspended: ${r.users.join(', ') || '-'}; terminals revoked: ${r.terminals.join(', ') || '-'}`,
        );
      });
    },
  },
];
