import type { Redis } from 'ioredis';
import type { Project, ProjectStore } from '../types.js';

export class RedisProjects implements ProjectStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}
  private get key(): string {
    return `${this.prefix}projects`;
  }
  async get(id: string): Promise<Project | null> {
    const raw = await this.redis.hget(this.key, id);
    return raw ? (JSON.parse(raw) as Project) : null;
  }
  async put(project: Project): Promise<void> {
    await this.redis.hset(this.key, project.id, JSON.stringify(project));
  }
  async create(project: Project): Promise<boolean> {
    return (await this.redis.hsetnx(this.key, project.id, JSON.stringify(project))) === 1;
  }
  async list(): Promise<Project[]> {
    return (await this.redis.hvals(this.key)).map((raw) => JSON.parse(raw) as Project);
  }
}
