import type { AuditCheckpointStore } from '../types.js';

/** Checkpoints kept in process (demo, tests): same contract as the Redis list, no protection across hosts. */
export class MemoryAuditCheckpoints implements AuditCheckpointStore {
  private readonly lists = new Map<string, string[]>();

  async publish(instance: string, jws: string, keep: number): Promise<void> {
    const list = [...(this.lists.get(instance) ?? []), jws];
    this.lists.set(instance, list.slice(-Math.max(1, keep)));
  }

  async all(): Promise<Map<string, string[]>> {
    return new Map([...this.lists].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v]]));
  }
}
