import type { RedisClient } from './connect.js';
import type { Project, ProjectStore } from '../types.js';
import { RedisJsonHash } from './json-hash.js';

/** Approved studies, one JSON record per project id. */
export class RedisProjects extends RedisJsonHash<Project> implements ProjectStore {
  constructor(redis: RedisClient, prefix: string) {
    super(redis, `${prefix}projects`, (p) => p.id);
  }
}
