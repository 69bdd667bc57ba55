import { join } from 'node:path';
import { authorityExists, loadAuthority } from '../../ca/index.js';
import { addProject, endProject, requireProject, suspendProject } from '../projects/project-service.js';
import { type Command, output, UsageError } from './command.js';
import { requireReason, withContext } from './cmd-user.js';

function oneProject(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError('give exactly one project id');
  return positionals[0]!;
}

/** "2027-03-31" (a day, Japan time) or a full ISO time → ms. */
function parseDate(flag: string, value: unknown, endOfDay: boolean): number | null {
  if (value === undefined) return null;
  const text = String(value);
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}+09:00` : text;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new UsageError(`--${flag}: not a date: ${text} (use YYYY-MM-DD or an ISO time)`);
  return endOfDay && iso !== text ? ms + 1 : ms;
}

function describe(p: Record<string, unknown>): string {
  return Object.entries(p).map(([k, v]) => `${k.padEnd(12)} ${Array.isArray(v) ? v.join(', ') : String(v)}`).join('\n');
}

function view(p: import('../stores/types.js').Project): Record<string, unknown> {
  const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());
  return { id: p.id, name: p.name, status: p.status, profile: p.profile ?? null, upstream: p.upstream, networks: p.networks, pollingPaths: p.pollingPaths, startsAt: iso(p.startsAt), endsAt: iso(p.endsAt), endedAt: iso(p.endedAt), createdAt: iso(p.createdAt) };
}

export const projectCommands: Command[] = [
  {
    name: 'project add',
    summary: 'Creates an approved study: its workspace upstream, approved networks and usage period.',
    usage: 'usage: hic project add ID --upstream URL --network CIDR [--network CIDR ...] [--name NAME] [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--polling PATH ...] [--profile jupyter-notebook-6.4] [--json]',
    options: {
      upstream: { type: 'string' },
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
      const startsAt = parseDate('start', values.start, false);
      const endsAt = parseDate('end', values.end, true);
      await withContext(async (ctx) => {
        const p = await addProject(ctx, {
          id, upstream: values.upstream as string, networks, startsAt, endsAt,
          ...(typeof values.name === 'string' ? { name: values.name } : {}),
          ...(typeof values.profile === 'string' ? { profile: values.profile } : {}),
          pollingPaths: (values.polling as string[] | undefined) ?? [],
        }, ctx.operator);
        output(json, { ok: true, project: view(p) }, `created project ${id}\n${describe(view(p))}`);
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
        const p = view(await requireProject(ctx, id));
        const members = (await ctx.stores.accounts.list()).filter((a) => a.project === id).map((a) => ({ username: a.username, status: a.status, locked: a.lockedAt !== null }));
        const terminals = (await ctx.stores.terminals.list()).filter((t) => t.projects.includes(id)).map((t) => ({ id: t.id, status: t.status }));
        output(json, { ...p, members, terminals }, `${describe(p)}\nmembers      ${members.map((m) => `${m.username}(${m.status})`).join(', ')}\nterminals    ${terminals.map((t) => `${t.id}(${t.status})`).join(', ')}`);
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
        output(json, { ok: true, project: id, status: 'ended', ...r }, `ended ${id}: accounts suspended: ${r.users.join(', ') || '-'}; terminals revoked: ${r.terminals.join(', ') || '-'}`);
      });
    },
  },
];
