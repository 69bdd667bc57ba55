/**
 * Store interfaces, each shaped by its callers and small. Every interface has a memory implementation (the
 * embedded demo) and a Redis one (production; many instances share it); one conformance suite runs on both.
 */

export type Role = 'analyst' | 'helpdesk' | 'security' | 'admin' | 'reviewer';
export const ROLES: readonly Role[] = ['analyst', 'helpdesk', 'security', 'admin', 'reviewer'];

/** A login session. `id` is the SHA-256 of the cookie value, so the store never holds a usable cookie. */
export interface SessionRecord {
  id: string;
  user: string;
  project: string;
  roles: Role[];
  /** SHA-256 fingerprint of the terminal certificate the session was made with (AC-2). */
  terminal: string;
  terminalId: string;
  address: string;
  createdAt: number;
  lastActiveAt: number;
  /** Absolute end of the session, whatever the activity. */
  expiresAt: number;
}

export interface SessionStore {
  create(session: SessionRecord, ttlMs: number): Promise<void>;
  get(id: string): Promise<SessionRecord | null>;
  /** Moves the idle clock; a no-op when the session is gone. */
  touch(id: string, lastActiveAt: number, ttlMs: number): Promise<void>;
  /** Removes the session and returns what it was (null when already gone). */
  delete(id: string): Promise<SessionRecord | null>;
  listByUser(user: string): Promise<string[]>;
}

export interface PasswordMeta {
  changedAt: number;
  length: number;
  hasAllClasses: boolean;
  /** An issued password: works once, to reach the forced change (AUTH-2). */
  initial: boolean;
}

export interface Account {
  username: string;
  displayName?: string;
  roles: Role[];
  /** The one project an analyst works in; staff may have none. */
  project: string | null;
  status: 'active' | 'suspended';
  passwordHash: string;
  passwordMeta: PasswordMeta;
  /** Hashes of earlier passwords, newest first (MID-NET k: no reuse). */
  passwordHistory: string[];
  /** TOTP secret sealed with the secret box (AUTH-6); null until enrolled. */
  totpSecretSealed: string | null;
  totpEnrolled: boolean;
  lockedAt: number | null;
  createdAt: number;
}

export interface AccountStore {
  get(username: string): Promise<Account | null>;
  put(account: Account): Promise<void>;
  /** Creates only when absent; false when the username is taken. */
  create(account: Account): Promise<boolean>;
  list(): Promise<Account[]>;
}

export interface Terminal {
  id: string;
  site: string;
  projects: string[];
  /** Fingerprint of the current certificate (renewal replaces it, the register entry stays). */
  fingerprint: string;
  serial: string;
  notAfter: number;
  status: 'active' | 'revoked';
  requestedBy: string;
  registeredAt: number;
  revokedAt?: number;
  revocationReason?: string;
}

export interface TerminalStore {
  get(id: string): Promise<Terminal | null>;
  getByFingerprint(fingerprint: string): Promise<Terminal | null>;
  put(terminal: Terminal): Promise<void>;
  list(): Promise<Terminal[]>;
}

/** An approved study (研究課題): its workspace, approved networks and usage period. */
export interface Project {
  id: string;
  name: string;
  upstream: string;
  /** AC-1: approved networks (CIDR). */
  networks: string[];
  /** SES-1: background polling routes that do not count as operation. */
  pollingPaths: string[];
  /** AC-3: usage period (ms since epoch); null = open. */
  startsAt: number | null;
  endsAt: number | null;
  /** SES-4: 'ended' once the 利用終了書 is processed; records are kept. */
  status: 'active' | 'ended';
  endedAt?: number;
  createdAt: number;
}

export interface ProjectStore {
  get(id: string): Promise<Project | null>;
  put(project: Project): Promise<void>;
  /** Creates only when absent. */
  create(project: Project): Promise<boolean>;
  list(): Promise<Project[]>;
}

/** Short-lived values: login transactions, one-time guards and counters. */
export interface EphemeralStore {
  /** Atomic "set if absent" (Redis SET NX): true for the first caller only. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  put(key: string, value: string, ttlMs: number): Promise<void>;
  get(key: string): Promise<string | null>;
  /** Reads and removes in one step, so a value is used once. */
  take(key: string): Promise<string | null>;
  /** Atomic increment; the TTL is set when the counter is created. */
  increment(key: string, ttlMs: number): Promise<number>;
  delete(key: string): Promise<void>;
}

/** News that every instance must act on at once (SES-3: suspension reaches all within a second). */
export type GatewayEvent =
  | { type: 'session-ended'; session: string; reason: string }
  | { type: 'user-suspended'; user: string; reason: string }
  | { type: 'terminal-revoked'; fingerprint: string; reason: string }
  | { type: 'project-changed'; project: string }
  /** Local only: the subscription was re-established and news may have been missed. */
  | { type: 'resync' };

export interface EventBus {
  publish(event: GatewayEvent): Promise<void>;
  subscribe(handler: (event: GatewayEvent) => void): () => void;
}

export interface Stores {
  sessions: SessionStore;
  accounts: AccountStore;
  terminals: TerminalStore;
  projects: ProjectStore;
  ephemeral: EphemeralStore;
  events: EventBus;
  /** False while the backing store is unreachable: the request path then fails closed (503). */
  healthy(): boolean;
  close(): Promise<void>;
}
