import type { ProjectConfig } from '../config/types.js';
import type { AuditPort } from '../core/audit-port.js';
import type { Clock } from '../core/clock.js';
import type { Project, Stores } from '../stores/types.js';

/**
 * The fields a project entry of the config file owns. The rest — status, usage period, end date — belongs to the
 * operators' commands (`hic project suspend|end`, `--start/--end`) and is never reset by a restart.
 */
const CONFIG_FIELDS = ['name', 'upstream', 'networks', 'pollingPaths', 'profile', 'credentialFile', 'workspaceTerminals'] as const;
type ConfigField = (typeof CONFIG_FIELDS)[number];

export interface ProjectChange {
  project: string;
  /** Field → [in the store, in the config file]. */
  changes: Partial<Record<ConfigField, [unknown, unknown]>>;
}

/**
 * Makes the config file the one source of truth for the projects it lists (issue 14, found: a changed upstream or
 * profile was silently ignored once the project existed). Absent projects are created; a project whose
 * config-owned fields differ is rewritten with the file's values, every instance is told to reload it, and each
 * change is written to the audit log as a staff action and returned so that `hic start` prints it.
 */
export async function syncConfigProjects(
  deps: { stores: Stores; clock: Clock; audit: AuditPort },
  configured: readonly ProjectConfig[],
  fromConfig: (p: ProjectConfig, now: number) => Project,
): Promise<ProjectChange[]> {
  const applied: ProjectChange[] = [];
  for (const entry of configured) {
    const wanted = fromConfig(entry, deps.clock.now());
    const existing = await deps.stores.projects.get(entry.id);
    if (!existing) {
      await deps.stores.projects.create(wanted);
      continue;
    }
    const changes: ProjectChange['changes'] = {};
    for (const field of CONFIG_FIELDS) {
      if (JSON.stringify(existing[field] ?? null) !== JSON.stringify(wanted[field] ?? null))
        changes[field] = [existing[field] ?? null, wanted[field] ?? null];
    }
    if (Object.keys(changes).length === 0) continue;
    const next: Project = { ...existing };
    for (const field of CONFIG_FIELDS) delete next[field];
    const owned = Object.fromEntries(CONFIG_FIELDS.filter((f) => wanted[f] !== undefined).map((f) => [f, wanted[f]]));
    await deps.stores.projects.put({ ...next, ...owned } as Project);
    await deps.audit.security({ event: 'staff-action', action: 'project.config-applied', by: 'config-file', project: entry.id, changes });
    await deps.stores.events.publish({ type: 'project-changed', project: entry.id });
    applied.push({ project: entry.id, changes });
  }
  return applied;
}

/** One line per changed field, for the operator starting the gateway. */
export function describeChanges(applied: readonly ProjectChange[]): string[] {
  return applied.flatMap(({ project, changes }) =>
    Object.entries(changes).map(
      ([field, [was, now]]) =>
        `hic: project ${project}: ${field} ${JSON.stringify(was)} → ${JSON.stringify(now)} (applied from the config file)`,
    ),
  );
}
