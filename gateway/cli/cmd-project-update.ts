import { updateProject, type ProjectChanges } from '../projects/project-service.js';
import { type Command, output, UsageError } from './command.js';
import { DATES_HELP, describe, oneProject, parseDayOption, view } from './cmd-project.js';
import { zoneOrUsage } from './zone.js';
import { withContext } from './cmd-user.js';

/**
 * `hic project update`: the administrator's changes to an approved study from a shell (the same rules as the
 * administration page): usage period, approved networks, upstream, workspace profile. Only what is given changes;
 * `--network` and `--polling` replace the whole list. Every instance reloads the project at once.
 */
export const projectUpdateCommand: Command = {
  name: 'project update',
  summary: 'Changes a project: usage period, approved networks, workspace upstream, workspace profile, name.',
  usage: `usage: hic project update ID [--start YYYY-MM-DD | --clear-start] [--end YYYY-MM-DD | --clear-end]
                         [--network CIDR ...] [--upstream URL] [--profile NAME] [--credential-file FILE] [--workspace-terminals on|off] [--name NAME] [--polling PATH ...] [--json]
  --network and --polling replace the whole list (give every network that stays approved).
  --clear-start / --clear-end: no first / last day.
  --profile: a workspace profile of policies/workspace-profiles/ (e.g. jupyter-notebook-6.4); unknown names are refused.
${DATES_HELP}`,
  options: {
    start: { type: 'string' },
    end: { type: 'string' },
    'clear-start': { type: 'boolean' },
    'clear-end': { type: 'boolean' },
    network: { type: 'string', multiple: true },
    upstream: { type: 'string' },
    profile: { type: 'string' },
    'credential-file': { type: 'string' },
    'workspace-terminals': { type: 'string' },
    name: { type: 'string' },
    polling: { type: 'string', multiple: true },
  },
  allowPositionals: true,
  async run({ values, positionals, json }) {
    const id = oneProject(positionals);
    const zone = zoneOrUsage();
    if (values.start !== undefined && values['clear-start']) throw new UsageError('give either --start or --clear-start, not both');
    if (values.end !== undefined && values['clear-end']) throw new UsageError('give either --end or --clear-end, not both');
    const changes: ProjectChanges = {};
    if (values.start !== undefined) changes.startsAt = parseDayOption('start', values.start, zone);
    if (values['clear-start']) changes.startsAt = null;
    if (values.end !== undefined) changes.endsAt = parseDayOption('end', values.end, zone);
    if (values['clear-end']) changes.endsAt = null;
    if (values.network !== undefined) changes.networks = values.network as string[];
    if (values.polling !== undefined) changes.pollingPaths = values.polling as string[];
    for (const key of ['upstream', 'profile', 'name'] as const) if (typeof values[key] === 'string') changes[key] = values[key] as string;
    if (typeof values['credential-file'] === 'string') changes.credentialFile = values['credential-file'];
    const terminals = values['workspace-terminals'];
    if (terminals !== undefined && terminals !== 'on' && terminals !== 'off') throw new UsageError('--workspace-terminals takes on or off');
    if (terminals !== undefined) changes.workspaceTerminals = terminals === 'on';
    if (Object.keys(changes).length === 0)
      throw new UsageError(
        'nothing to change: give at least one of --start, --end, --clear-start, --clear-end, --network, --upstream, --profile, --credential-file, --workspace-terminals, --name, --polling',
      );
    await withContext(async (ctx) => {
      const p = await updateProject(ctx, id, changes, ctx.operator);
      output(json, { ok: true, project: view(p, zone) }, `updated project ${id}\n${describe(view(p, zone))}`);
    });
  },
};
