import type { Redis } from 'ioredis';
import type { Project, ProjectStore } from '../types.js';
import { RedisJsonHash } from './json-hash.js';

/** Approved studies, one JSON record per project id. */
export class RedisProjects extends RedisJsonHash<Project> implements ProjectStore {
  constructor(redis: Redis, prefix: string) {
    super(redis, `${prefix}projects`, (p) => p.id);
  }
}
