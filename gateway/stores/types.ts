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
  /**
   * A session that may only finish the account's set-up (AUTH-2): change the password, then enrol the
   * authenticator. Nothing else is reachable until a full session replaces it.
   */
  restriction?: 'password-change' | 'totp-enrolment';
}

export interface SessionStore {
  create(session: SessionRecord, ttlMs: number): Promise<void>;
  get(id: string): Promise<SessionRecord | null>;
  /** Moves the idle clock; a no-op when the session is gone. */
  touch(id: string, lastActiveAt: number, ttlMs: number): Promise<void>;
  /** Removes the session and returns what it was (null when already gone). */
  delete(id: string): Promise<SessionRecord | null>;
  listByUser(user: string): Promise<string[]>;
  /** Ids of the live sessions made with one terminal certificate (revocation ends them: HIC GL 第5-4-ii-②). */
  listByTerminal(fingerprint: string): Promise<string[]>;
}

export interface PasswordMeta {
  changedAt: number;
  length: number;
  hasAllClasses: boolean;
  /** An issued password: works once, to reach the forced change (AUTH-2). */
  initial: boolean;
  /** When an initial password was used (it does not work a second time). */
  initialUsedAt?: number;
}

/** One identity check made by the helpdesk before acting for a user (AUTH-5, LOG-6: 本人確認の台帳). */
export interface IdentityCheck {
  id: string;
  verifiedBy: string;
  at: number;
  method: string;
  document: string;
  reference?: string;
  action: string;
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
  /** Ledger of identity checks for this account, newest last (the audit log holds the durable copy). */
  identityChecks?: IdentityCheck[];
  suspendedAt?: number;
  suspensionReason?: string;
}

export interface AccountStore {
  get(username: string): Promise<Account | null>;
  put(account: Account): Promise<void>;
  /** Creates only when absent; false when the username is taken. */
  create(account: Account): Promise<boolean>;
  list(): Promise<Account[]>;
}

/**
 * One certificate a terminal has held. The register keeps every one, newest last, so the ledger shows the whole
 * history (HIC GL 第5-1) and the CRL can list superseded and revoked serials (RFC 5280 5.1.2.6).
 */
export interface TerminalCertificate {
  serial: string;
  fingerprint: string;
  notBefore: number;
  notAfter: number;
  issuedAt: number;
  issuedBy: string;
  /** 'pkcs12': key made by the gateway's CA; 'csr': key made on the terminal; 'registered': recorded only. */
  method: 'pkcs12' | 'csr' | 'registered';
  /** 'superseded' by a renewal, or 'revoked'; either way on the CRL. */
  status: 'current' | 'superseded' | 'revoked';
  revokedAt?: number;
  revocationReason?: string;
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
  /** When the terminal's administrator asked for the certificate (the register's 申請日). */
  requestedAt?: number;
  /** notBefore of the current certificate. */
  validFrom?: number;
  /** Every certificate of this terminal, newest last (the current one included). */
  certificates?: TerminalCertificate[];
  /** Free text recorded with the last register change (e.g. why it was revoked). */
  note?: string;
  /** Bumped by every `replace`; absent means 0. */
  revision?: number;
}

export interface TerminalStore {
  get(id: string): Promise<Terminal | null>;
  /** Only the terminal whose *current* certificate has this fingerprint. */
  getByFingerprint(fingerprint: string): Promise<Terminal | null>;
  /** Unconditional write (demo seeding); prefer `create` / `replace`. */
  put(terminal: Terminal): Promise<void>;
  /** Creates only when the id is free; false when it is taken (duplicate terminal id). */
  create(terminal: Terminal): Promise<boolean>;
  /**
   * Compare-and-set: writes `terminal` with revision `expectedRevision + 1` only when the stored entry still has
   * `expectedRevision`; false otherwise (a concurrent revoke and renew cannot undo each other).
   */
  replace(terminal: Terminal, expectedRevision: number): Promise<boolean>;
  list(): Promise<Terminal[]>;
}

/** The signed CRL of the issuing CA as last published (RFC 5280 5), shared by every instance. */
export interface StoredCrl {
  /** cRLNumber (RFC 5280 5.2.3). */
  number: number;
  pem: string;
  thisUpdate: number;
  nextUpdate: number;
  /** How many serials it lists. */
  entries: number;
}

export interface CrlStore {
  /**
   * A fresh cRLNumber, larger than every one handed out before and at least `floor` (seconds since the epoch),
   * so numbers keep growing even if the store is ever emptied (RFC 5280 5.2.3: monotonically increasing).
   */
  nextNumber(floor: number): Promise<number>;
  get(): Promise<StoredCrl | null>;
  /** Stores the CRL only when its number is larger than the stored one (a slow writer cannot roll back). */
  put(crl: StoredCrl): Promise<boolean>;
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
  /** DATA-1: the workspace profile (policies/workspace-profiles/) whose download/upload routes are refused. */
  profile?: string;
  /**
   * The file holding the workspace credential the gateway presents (mode 0600; the path only, never the secret).
   * Required when the profile names a credential scheme.
   */
  credentialFile?: string;
  /** Workspace terminals (a shell in the workspace) are refused unless this is true. */
  workspaceTerminals?: boolean;
  /** AC-3: usage period (ms since epoch); null = open. */
  startsAt: number | null;
  endsAt: number | null;
  /** SES-4: 'ended' once the 利用終了書 is processed; records are kept. */
  status: 'active' | 'ended';
  endedAt?: number;
  createdAt: number;
  /**
   * SES-3: set while the project is suspended (`hic project suspend`, the security console): who, when, why, and
   * each account that suspension stopped with the `suspendedAt` it set, so that resuming undoes exactly that and
   * leaves alone an account suspended on its own before or since.
   */
  suspension?: ProjectSuspension;
}

/** A project's standing suspension: the accounts it stopped (username → their `suspendedAt`). */
export interface ProjectSuspension {
  at: number;
  by: string;
  reason: string;
  accounts: Record<string, number>;
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
  /**
   * Atomic increment by `by` (default 1; negative to give back a reservation); the TTL is set when the counter is
   * created and kept after.
   */
  increment(key: string, ttlMs: number, by?: number): Promise<number>;
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

/**
 * Signed audit checkpoints (compact JWS) copied off the audit host, a capped list per gateway instance, so that
 * cutting a log together with its `checkpoints.jsonl` stays detectable (LOG-3).
 */
export interface AuditCheckpointStore {
  /** Appends one checkpoint to the instance's list, keeping only the newest `keep`. */
  publish(instance: string, jws: string, keep: number): Promise<void>;
  /** Every instance that published, with its checkpoints oldest first. */
  all(): Promise<Map<string, string[]>>;
}

/** A reviewed export (持ち出し) or import (持ち込み) request (SPEC DATA-2, DATA-3). */
export interface TransferRequest {
  id: string;
  direction: 'export' | 'import';
  project: string;
  /** The analyst who asked (a reviewer may never decide on their own request). */
  user: string;
  /** File name shown to people (the last path segment). */
  name: string;
  /** Workspace path: where an export came from, where an import goes. */
  path: string;
  purpose: string;
  size: number;
  /** SHA-256 of the bytes in quarantine (the file's name there). */
  sha256: string;
  /**
   * scan-pending: an import waiting for the virus scanner (never passes unscanned); pending: waiting for a reviewer;
   * infected: kept as evidence, never placed; placed: an approved import written into the workspace.
   */
  status: 'scan-pending' | 'pending' | 'approved' | 'rejected' | 'infected' | 'placed' | 'place-failed';
  createdAt: number;
  /** The pre-check's result (exports), JSON as computed (gateway/transfers/precheck/). */
  precheck?: unknown;
  /** Column kinds the analyst stated, by header. */
  columns?: Record<string, string>;
  /** Virus scan (imports). */
  scan?: { status: 'clean' | 'infected' | 'pending'; signature?: string; at?: number; engine?: string; error?: string };
  decision?: { outcome: 'approved' | 'rejected'; by: string; at: number; comment: string };
  /** Download limits (exports), fixed when the request is made. */
  maxDownloads: number;
  validityMs: number;
  /** Set on approval: decision time + validityMs. */
  validUntil: number | null;
  /** Downloads so far (the store counts them atomically; see TransferStore.takeDownload). */
  downloads: number;
  /** Imports: the hash written into the workspace and the hash read back from it. */
  placement?: { at: number; writtenSha256: string; readBackSha256: string | null; error?: string };
  /** When the quarantine copy was deleted (retention); the hash stays here and in the audit log. */
  quarantineDeletedAt?: number;
  /** Bumped by every `replace`. */
  revision: number;
}

/** Why a download was not counted. */
export type DownloadRefusal = 'not-found' | 'not-approved' | 'expired' | 'limit-reached';

export interface TransferStore {
  /** Creates only when the id is free. */
  create(request: TransferRequest): Promise<boolean>;
  get(id: string): Promise<TransferRequest | null>;
  /** Every request, oldest first (small sets: requests are made by people). */
  list(): Promise<TransferRequest[]>;
  /** Compare-and-set on the revision (two reviewers deciding at once: one wins). */
  replace(request: TransferRequest, expectedRevision: number): Promise<boolean>;
  /**
   * Counts one download atomically, only while the request is approved, `now` is before `validUntil` and fewer
   * than `maxDownloads` were counted: across every instance, the limit is never exceeded.
   */
  takeDownload(id: string, now: number): Promise<{ ok: true; count: number } | { ok: false; reason: DownloadRefusal }>;
}

export interface Stores {
  sessions: SessionStore;
  accounts: AccountStore;
  terminals: TerminalStore;
  projects: ProjectStore;
  ephemeral: EphemeralStore;
  events: EventBus;
  crls: CrlStore;
  transfers: TransferStore;
  /** Audit checkpoints published off the audit host (LOG-3); absent in stores that cannot hold them. */
  auditCheckpoints?: AuditCheckpointStore;
  /**
   * The store server's clock in ms since the epoch (Redis TIME), the reference every instance compares its own
   * clock with (LOG-5). The memory store answers with the gateway's clock.
   */
  serverTime?(): Promise<number>;
  /** False while the backing store is unreachable: the request path then fails closed (503). */
  healthy(): boolean;
  /**
   * One round trip to where this deployment's keys live (readiness): rejects or never settles when that server does
   * not answer although the connection looks up (a paused or overloaded server; on Cluster, the master holding the
   * deployment's hash slot, or a cluster that refuses commands). Absent in the in-process store.
   */
  probe?(): Promise<void>;
  close(): Promise<void>;
}
