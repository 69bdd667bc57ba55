import { EventEmitter } from 'node:events';
import type { Clock } from '../../core/clock.js';
import { MemoryAuditCheckpoints } from './audit-checkpoints.js';
import { MemoryTransfers } from './transfers.js';
import type {
  Account,
  CrlStore,
  EphemeralStore,
  EventBus,
  GatewayEvent,
  Project,
  SessionRecord,
  SessionStore,
  StoredCrl,
  Stores,
  Terminal,
  TerminalStore,
} from '../types.js';

/** Values with an expiry, checked on read so tests with a manual clock see exact expiry. */
class ExpiringMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  constructor(private readonly clock: Clock) {}
  get(key: string): V | undefined {
    return this.entry(key)?.value;
  }
  /** The live entry, so a caller can change the value and keep the expiry (like Redis INCR). */
  entry(key: string): { value: V; expiresAt: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }
  set(key: string, value: V, ttlMs: number): void {
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }
  delete(key: string): boolean {
    return this.entries.delete(key);
  }
  keys(): string[] {
    return [...this.entries.keys()].filter((k) => this.get(k) !== undefined);
  }
}

class MemorySessions implements SessionStore {
  private readonly sessions: ExpiringMap<SessionRecord>;
  constructor(clock: Clock) {
    this.sessions = new ExpiringMap(clock);
  }
  async create(session: SessionRecord, ttlMs: number): Promise<void> {
    this.sessions.set(session.id, structuredClone(session), ttlMs);
  }
  async get(id: string): Promise<SessionRecord | null> {
    const s = this.sessions.get(id);
    return s ? structuredClone(s) : null;
  }
  async touch(id: string, lastActiveAt: number, ttlMs: number): Promise<void> {
    const s = this.sessions.get(id);
    if (s) this.sessions.set(id, { ...s, lastActiveAt }, ttlMs);
  }
  async delete(id: string): Promise<SessionRecord | null> {
    const s = this.sessions.get(id);
    this.sessions.delete(id);
    return s ?? null;
  }
  async listByUser(user: string): Promise<string[]> {
    return this.sessions.keys().filter((k) => this.sessions.get(k)?.user === user);
  }
  async listByTerminal(fingerprint: string): Promise<string[]> {
    return this.sessions.keys().filter((k) => this.sessions.get(k)?.terminal === fingerprint);
  }
}

/** Records by id, cloned in and out so callers never share state with the store (as with Redis JSON). */
class MemoryRecords<T> {
  private readonly records = new Map<string, T>();
  constructor(private readonly idOf: (record: T) => string) {}
  async get(id: string): Promise<T | null> {
    const r = this.records.get(id);
    return r ? structuredClone(r) : null;
  }
  async put(record: T): Promise<void> {
    this.records.set(this.idOf(record), structuredClone(record));
  }
  async create(record: T): Promise<boolean> {
    if (this.records.has(this.idOf(record))) return false;
    this.records.set(this.idOf(record), structuredClone(record));
    return true;
  }
  async list(): Promise<T[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }
}

class MemoryTerminals implements TerminalStore {
  private readonly terminals = new Map<string, Terminal>();
  async get(id: string): Promise<Terminal | null> {
    const t = this.terminals.get(id);
    return t ? structuredClone(t) : null;
  }
  async getByFingerprint(fingerprint: string): Promise<Terminal | null> {
    for (const t of this.terminals.values()) if (t.fingerprint === fingerprint) return structuredClone(t);
    return null;
  }
  async put(terminal: Terminal): Promise<void> {
    this.terminals.set(terminal.id, structuredClone(terminal));
  }
  async create(terminal: Terminal): Promise<boolean> {
    if (this.terminals.has(terminal.id)) return false;
    this.terminals.set(terminal.id, structuredClone(terminal));
    return true;
  }
  async replace(terminal: Terminal, expectedRevision: number): Promise<boolean> {
    const current = this.terminals.get(terminal.id);
    if (!current || (current.revision ?? 0) !== expectedRevision) return false;
    this.terminals.set(terminal.id, structuredClone({ ...terminal, revision: expectedRevision + 1 }));
    return true;
  }
  async list(): Promise<Terminal[]> {
    return [...this.terminals.values()].map((t) => structuredClone(t));
  }
}

class MemoryCrls implements CrlStore {
  private counter = 0;
  private crl: StoredCrl | null = null;
  async nextNumber(floor: number): Promise<number> {
    this.counter = Math.max(this.counter + 1, Math.floor(floor));
    return this.counter;
  }
  async get(): Promise<StoredCrl | null> {
    return this.crl ? structuredClone(this.crl) : null;
  }
  async put(crl: StoredCrl): Promise<boolean> {
    if (this.crl && this.crl.number >= crl.number) return false;
    this.crl = structuredClone(crl);
    return true;
  }
}

class MemoryEphemeral implements EphemeralStore {
  private readonly values: ExpiringMap<string>;
  constructor(clock: Clock) {
    this.values = new ExpiringMap(clock);
  }
  async claim(key: string, ttlMs: number): Promise<boolean> {
    if (this.values.get(key) !== undefined) return false;
    this.values.set(key, '1', ttlMs);
    return true;
  }
  async put(key: string, value: string, ttlMs: number): Promise<void> {
    this.values.set(key, value, ttlMs);
  }
  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null;
  }
  async take(key: string): Promise<string | null> {
    const v = this.values.get(key);
    this.values.delete(key);
    return v ?? null;
  }
  async increment(key: string, ttlMs: number, by = 1): Promise<number> {
    // Like Redis INCRBY: the expiry set at creation is kept, not extended by later increments.
    const step = Math.trunc(by);
    const entry = this.values.entry(key);
    if (!entry) {
      this.values.set(key, String(step), ttlMs);
      return step;
    }
    entry.value = String(Number(entry.value) + step);
    return Number(entry.value);
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

class MemoryEvents implements EventBus {
  private readonly emitter = new EventEmitter();
  async publish(event: GatewayEvent): Promise<void> {
    // Delivered asynchronously, as Redis pub/sub would be.
    queueMicrotask(() => this.emitter.emit('event', event));
  }
  subscribe(handler: (event: GatewayEvent) => void): () => void {
    this.emitter.on('event', handler);
    return () => this.emitter.off('event', handler);
  }
}

/** The embedded store for single-process demos and tests; never shared between processes. */
export function createMemoryStores(clock: Clock): Stores {
  return {
    sessions: new MemorySessions(clock),
    accounts: new MemoryRecords<Account>((a) => a.username),
    terminals: new MemoryTerminals(),
    projects: new MemoryRecords<Project>((p) => p.id),
    ephemeral: new MemoryEphemeral(clock),
    events: new MemoryEvents(),
    crls: new MemoryCrls(),
    transfers: new MemoryTransfers(),
    auditCheckpoints: new MemoryAuditCheckpoints(),
    serverTime: async () => clock.now(),
    healthy: () => true,
    close: async () => {},
  };
}
