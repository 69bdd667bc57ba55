/**
 * Workspace profiles (DESIGN: per kind of workspace, which routes download, upload or merely poll). DATA-1: no
 * direct download out of or upload into the workspace through the gateway; data moves only through a reviewed
 * request. A rule names a class, the methods, a path pattern (matched on the decoded, normalised path) and,
 * where the path alone cannot tell (Jupyter's save vs upload share PUT /api/contents), conditions on the JSON body.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { HicError } from '../gateway/core/errors.js';

export type TransferClass = 'download' | 'upload';

export interface BodyCondition {
  field: string;
  equals?: string | number | boolean;
  present?: boolean;
}

export interface ProfileRule {
  class: TransferClass;
  methods: string[];
  path: string;
  why: string;
  body?: { anyOf: BodyCondition[] };
}

export interface WorkspaceProfile {
  id: string;
  description: string;
  /** Background polling routes (SES-1: not operation); a trailing `*` is a prefix. */
  polling: string[];
  rules: ProfileRule[];
}

function profileDir(): URL {
  for (const candidate of [new URL('./workspace-profiles/', import.meta.url), new URL('../../policies/workspace-profiles/', import.meta.url)]) {
    try {
      readdirSync(candidate);
      return candidate;
    } catch {
      // compiled into dist/: the JSON stays in the source folder
    }
  }
  throw new HicError('CONFIG_INVALID', 'policies/workspace-profiles/ not found');
}

/** Checks one profile; every problem is named. */
function validate(p: WorkspaceProfile, file: string): WorkspaceProfile {
  const problems: string[] = [];
  if (typeof p.id !== 'string' || !/^[a-z0-9.-]+$/.test(p.id)) problems.push('id');
  if (!Array.isArray(p.polling)) problems.push('polling');
  (p.rules ?? []).forEach((r, i) => {
    if (r.class !== 'download' && r.class !== 'upload') problems.push(`rules.${i}.class`);
    if (!Array.isArray(r.methods) || r.methods.length === 0) problems.push(`rules.${i}.methods`);
    try {
      new RegExp(r.path);
    } catch {
      problems.push(`rules.${i}.path`);
    }
  });
  if (problems.length > 0) throw new HicError('CONFIG_INVALID', `${file}: invalid ${problems.join(', ')}`);
  return p;
}

let cache: Map<string, WorkspaceProfile> | null = null;

/** Every shipped profile, by id. */
export function loadWorkspaceProfiles(): Map<string, WorkspaceProfile> {
  if (cache) return cache;
  const dir = profileDir();
  const profiles = new Map<string, WorkspaceProfile>();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const profile = validate(JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as WorkspaceProfile, name);
    profiles.set(profile.id, profile);
  }
  cache = profiles;
  return profiles;
}
