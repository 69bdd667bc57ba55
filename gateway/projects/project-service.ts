import type { Authority } from '../../ca/index.js';
import { HicError } from '../core/errors.js';
import { compileProject } from '../runtime.js';
import { loadWorkspaceProfiles } from '../../policies/workspace-profile.js';
import { revokeTerminal } from '../terminals/revoke.js';
import { parseCidr } from '../net/cidr.js';
import type { Project } from '../stores/types.js';
import type { UserDeps } from '../users/deps.js';
import { resumeUser, suspendUser } from '../users/suspension.js';

export interface NewProject {
  id: string;
  name?: string;
  upstream: string;
  networks: string[];
  pollingPaths?: string[];
  /** DATA-1 workspace profile (policies/workspace-profiles/). */
  profile?: string;
  /** The workspace credential file (mode 0600); required by profiles that name a credential. */
  credentialFile?: string;
  workspaceTerminals?: boolean;
  startsAt?: number | null;
  endsAt?: number | null;
}

/** Validates and creates an approved study (AC-1 networks, AC-3 usage period); every instance reloads it. */
export async function addProject(deps: UserDeps, input: NewProject, operator: string): Promise<Project> {
  const problems = [
    ...(/^[a-z0-9][a-z0-9-]{0,62}$/.test(input.id)
      ? []
      : [`id: "${input.id}" must be 1-63 lower-case letters, digits and '-', starting with a letter or digit`]),
    ...checkFields(input),
  ];
  if (problems.length > 0) throw new HicError('BAD_REQUEST', problems.join('; '));
  const project: Project = {
    id: input.id,
    name: input.name ?? input.id,
    upstream: input.upstream,
    networks: input.networks,
    pollingPaths: input.pollingPaths ?? [],
    ...(input.profile !== undefined ? { profile: input.profile } : {}),
    ...(input.credentialFile !== undefined ? { credentialFile: input.credentialFile } : {}),
    ...(input.workspaceTerminals === true ? { workspaceTerminals: true } : {}),
    startsAt: input.startsAt ?? null,
    endsAt: input.endsAt ?? null,
    status: 'active',
    createdAt: deps.clock.now(),
  };
  // What every instance will compile: a profile that needs a credential without one, or an unreadable credential
  // file, is refused here rather than on every gateway.
  try {
    compileProject(project);
  } catch (err) {
    throw new HicError('BAD_REQUEST', err instanceof HicError ? (err.detail ?? err.message) : String(err));
  }
  if (!(await deps.stores.projects.create(project))) throw new HicError('CONFLICT', `project ${input.id} already exists`);
  await deps.stores.events.publish({ type: 'project-changed', project: project.id });
  await deps.audit.security({
    event: 'staff-action',
    action: 'project.add',
    by: operator,
    project: project.id,
    upstream: project.upstream,
    networks: project.networks,
    startsAt: project.startsAt,
    endsAt: project.endsAt,
  });
  return project;
}

/** What may change on an approved study (issue 13: dates, networks, upstream, profile); null clears a date. */
export interface ProjectChanges {
  name?: string;
  upstream?: string;
  networks?: string[];
  pollingPaths?: string[];
  profile?: string;
  credentialFile?: string;
  workspaceTerminals?: boolean;
  startsAt?: number | null;
  endsAt?: number | null;
}

/** Every problem with the fields of a project, each named by its field (the same rules for add and update). */
function checkFields(p: {
  upstream: string;
  networks: string[];
  profile?: string | undefined;
  startsAt?: number | null;
  endsAt?: number | null;
}): string[] {
  const problems: string[] = [];
  if (!/^https?:\/\/[^/]+/.test(p.upstream)) problems.push(`upstream: "${p.upstream}" is not an http(s) URL (e.g. http://10.1.0.11:8888)`);
  if (p.networks.length === 0) problems.push('networks: at least one approved network (CIDR) is required');
  for (const n of p.networks) if (!parseCidr(n)) problems.push(`networks: "${n}" is not a CIDR (e.g. 203.0.113.0/28)`);
  // The profiles are policies/workspace-profile.ts's to validate; an unknown name is refused here.
  if (p.profile !== undefined && !loadWorkspaceProfiles().has(p.profile)) {
    problems.push(`profile: unknown workspace profile "${p.profile}" (known: ${[...loadWorkspaceProfiles().keys()].join(', ')})`);
  }
  if (p.startsAt != null && p.endsAt != null && p.endsAt <= p.startsAt) problems.push('end: must not be before start');
  return problems;
}

/**
 * Changes an approved study: every field is checked as on creation, an ended project stays ended (SES-4: its
 * records are final), and every instance reloads it through the project-changed news. The audit event names the
 * fields that changed with their old and new values.
 */
export async function updateProject(deps: UserDeps, id: string, changes: ProjectChanges, operator: string): Promise<Project> {
  const current = await requireProject(deps, id);
  if (current.status === 'ended') throw new HicError('CONFLICT', `project ${id} has ended; an ended project cannot be changed`);
  const next: Project = { ...current };
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of [
    'name',
    'upstream',
    'networks',
    'pollingPaths',
    'profile',
    'credentialFile',
    'workspaceTerminals',
    'startsAt',
    'endsAt',
  ] as const) {
    if (changes[key] === undefined) continue;
    if (JSON.stringify(current[key] ?? null) === JSON.stringify(changes[key])) continue;
    changed[key] = { from: current[key] ?? null, to: changes[key] };
    (next as unknown as Record<string, unknown>)[key] = changes[key];
  }
  if (Object.keys(changed).length === 0)
    throw new HicError(
      'BAD_REQUEST',
      'nothing to change: give at least one new value (--start, --end, --network, --upstream, --profile, --name, --polling)',
    );
  const problems = checkFields(next);
  if (problems.length > 0) throw new HicError('BAD_REQUEST', problems.join('; '));
  // What every instance will compile (a profile that needs a credential, a readable credential file): refused here,
  // or every gateway would keep its last good state and alert.
  try {
    compileProject(next);
  } catch (err) {
    throw new HicError('BAD_REQUEST', err instanceof HicError ? (err.detail ?? err.message) : String(err));
  }
  await deps.stores.projects.put(next);
  await deps.stores.events.publish({ type: 'project-changed', project: id });
  await deps.audit.security({ event: 'staff-action', action: 'project.update', by: operator, project: id, changed });
  return next;
}

export async function requireProject(deps: Pick<UserDeps, 'stores'>, id: string): Promise<Project> {
  const project = await deps.stores.projects.get(id);
  if (!project) throw new HicError('NOT_FOUND', `unknown project: ${id}`);
  return project;
}

/**
 * Suspends every account of a project at once (SES-3): each active member is suspended through the account's own
 * operation (its sessions and connections end on every instance), and the project records which accounts this
 * suspension stopped, with when, by whom and why, so that {@link resumeProject} undoes exactly that. Suspending a
 * suspended project again adds the members that became active since.
 */
export async function suspendProject(deps: UserDeps, id: string, reason: string, operator: string): Promise<string[]> {
  if (!reason.trim()) throw new HicError('BAD_REQUEST', 'a reason is required');
  const project = await requireProject(deps, id);
  if (project.status === 'ended') throw new HicError('CONFLICT', `project ${id} has ended; its accounts are already suspended`);
  const members = (await deps.stores.accounts.list()).filter((a) => a.project === id && a.status === 'active');
  const accounts: Record<string, number> = { ...(project.suspension?.accounts ?? {}) };
  for (const a of members) {
    await suspendUser(deps, a.username, reason, operator);
    accounts[a.username] = (await deps.stores.accounts.get(a.username))?.suspendedAt ?? deps.clock.now();
  }
  // Re-read: suspending the members did not touch the project, but an administrator may have changed it meanwhile.
  const current = await requireProject(deps, id);
  await deps.stores.projects.put({
    ...current,
    suspension: { at: project.suspension?.at ?? deps.clock.now(), by: operator, reason, accounts },
  });
  await deps.stores.events.publish({ type: 'project-changed', project: id });
  await deps.audit.security({
    event: 'staff-action',
    action: 'project.suspend',
    by: operator,
    project: id,
    reason,
    users: members.map((a) => a.username),
  });
  return members.map((a) => a.username);
}

/** What resuming a project did: the accounts resumed, and those left as they were (with why). */
export interface ProjectResumed {
  resumed: string[];
  skipped: { user: string; why: 'not-suspended' | 'suspended-since' | 'unknown-account' }[];
}

/**
 * Resumes a suspended project (SES-3: resumption is its own audited action, `project.resume` with `by` and
 * `reason`): every account the project's suspension stopped is resumed — unless it was resumed meanwhile, or was
 * suspended again on its own since (its `suspendedAt` differs), which stays for whoever suspended it. Members that
 * were already suspended before the project was are never in the list, so they stay suspended too. Sessions ended
 * by the suspension are not restored: the users log in again.
 */
export async function resumeProject(deps: UserDeps, id: string, reason: string, operator: string): Promise<ProjectResumed> {
  if (!reason.trim()) throw new HicError('BAD_REQUEST', 'a reason is required');
  const project = await requireProject(deps, id);
  if (project.status === 'ended') throw new HicError('CONFLICT', `project ${id} has ended; an ended project cannot be resumed`);
  if (!project.suspension) throw new HicError('BAD_REQUEST', `project ${id} is not suspended`);
  const out: ProjectResumed = { resumed: [], skipped: [] };
  for (const [user, suspendedAt] of Object.entries(project.suspension.accounts)) {
    const a = await deps.stores.accounts.get(user);
    if (!a) out.skipped.push({ user, why: 'unknown-account' });
    else if (a.status !== 'suspended') out.skipped.push({ user, why: 'not-suspended' });
    else if (a.suspendedAt !== suspendedAt) out.skipped.push({ user, why: 'suspended-since' });
    else {
      await resumeUser(deps, user, reason, operator);
      out.resumed.push(user);
    }
  }
  const current = await requireProject(deps, id);
  const next: Project = { ...current };
  delete next.suspension;
  await deps.stores.projects.put(next);
  await deps.stores.events.publish({ type: 'project-changed', project: id });
  await deps.audit.security({
    event: 'staff-action',
    action: 'project.resume',
    by: operator,
    project: id,
    reason,
    users: out.resumed,
    skipped: out.skipped,
    suspendedAt: new Date(project.suspension.at).toISOString(),
  });
  return out;
}

/**
 * Ends a project when its 利用終了書 arrives (SES-4): its accounts and the terminals assigned only to it stop
 * working at once; every record stays (accounts are suspended, not deleted; terminals revoked, not removed).
 * Terminals are revoked through the register's own operation (compare-and-set, news to every instance, sessions
 * cut, CRL re-signed when this process holds the CA).
 */
export async function endProject(
  deps: UserDeps,
  id: string,
  operator: string,
  authority: Authority | null,
): Promise<{ users: string[]; terminals: string[] }> {
  const project = await requireProject(deps, id);
  const now = deps.clock.now();
  await deps.stores.projects.put({ ...project, status: 'ended', endedAt: now });
  await deps.stores.events.publish({ type: 'project-changed', project: id });
  const users: string[] = [];
  for (const a of await deps.stores.accounts.list()) {
    if (a.project !== id || a.status !== 'active') continue;
    await suspendUser(deps, a.username, 'project-ended', operator);
    users.push(a.username);
  }
  const terminals: string[] = [];
  for (const t of await deps.stores.terminals.list()) {
    if (t.status !== 'active' || !t.projects.includes(id)) continue;
    const remaining = t.projects.filter((p) => p !== id);
    if (remaining.length > 0) {
      await deps.stores.terminals.put({ ...t, projects: remaining });
      continue;
    }
    await revokeTerminal(
      { stores: deps.stores, clock: deps.clock, sessions: deps.sessions, authority },
      {
        terminalId: t.id,
        reason: 'cessationOfOperation',
        note: `project ${id} ended`,
        by: operator,
      },
    );
    terminals.push(t.id);
  }
  await deps.audit.security({ event: 'staff-action', action: 'project.end', by: operator, project: id, users, terminals });
  return { users, terminals };
}
