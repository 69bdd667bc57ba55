import { ALLOW_REASONS, type AuditQuery } from './query.js';
import { searchAudit } from './search.js';
import { emptyStats, type ScanStats } from './scan.js';

/**
 * One login session as the audit log tells it (LOG-1: who operated, when, how long; SPEC LOG-4 session
 * timelines). Built from the `login-success` and `session-end` events and the access records that carry the
 * session id; times are ISO 8601 UTC with milliseconds.
 */
export interface SessionSummary {
  session: string;
  user: string | null;
  project: string | null;
  terminal: string | null;
  terminalId: string | null;
  address: string | null;
  loginAt: string | null;
  /** When the session ended (the `session-end` event), or when it must have expired (see `endReason`). */
  endAt: string | null;
  /**
   * `logout`, `idle-timeout`, `lifetime-expired`, `suspended`, ... as recorded; `expired-unobserved` when no end
   * was recorded and the idle limit has passed since the last request (a session that times out while nobody
   * uses it ends silently in the store); `open` when it may still be live.
   */
  endReason: string;
  durationMs: number | null;
  requests: number;
  /** Requests refused on the request path (their reason is in the access records). */
  refused: number;
  bytes: number;
  firstRequestAt: string | null;
  lastRequestAt: string | null;
  /** Distinct addresses seen in the session's requests (more than one deserves a look). */
  addresses: string[];
}

export interface SessionQuery {
  user?: string;
  project?: string;
  since?: number;
  until?: number;
  /** Idle limit used to judge a session with no recorded end (SES-1: 20 minutes). */
  idleTimeoutMs: number;
  /** Now, from the caller's clock. */
  now: number;
}

/**
 * Derives the session records of a user and/or project in a time range, oldest login first. One streaming pass
 * over the matching lines; memory holds one summary per session found.
 */
export async function sessionTimelines(dir: string, q: SessionQuery, stats: ScanStats = emptyStats()): Promise<SessionSummary[]> {
  const query: AuditQuery = { event: ['login-success', 'session-end', 'access'] };
  if (q.user !== undefined) query.user = q.user;
  if (q.project !== undefined) query.project = q.project;
  if (q.since !== undefined) query.since = q.since;
  if (q.until !== undefined) query.until = q.until;
  const sessions = new Map<string, SessionSummary>();
  for await (const { entry } of searchAudit(dir, query, stats)) {
    const id = entry['session'];
    if (typeof id !== 'string' || id === '') continue;
    let s = sessions.get(id);
    if (!s) {
      s = blank(id);
      sessions.set(id, s);
    }
    fill(s, entry);
    if (entry.kind === 'access') {
      s.requests += 1;
      if (!ALLOW_REASONS.has(String(entry['reason']))) s.refused += 1;
      s.bytes += typeof entry['bytes'] === 'number' ? entry['bytes'] : 0;
      s.firstRequestAt ??= entry.time;
      s.lastRequestAt = entry.time;
      const address = entry['address'];
      if (typeof address === 'string' && !s.addresses.includes(address)) s.addresses.push(address);
    } else if (entry['event'] === 'login-success') {
      s.loginAt = entry.time;
    } else {
      s.endAt = entry.time;
      s.endReason = String(entry['reason'] ?? 'ended');
      if (typeof entry['loginAt'] === 'string') s.loginAt ??= entry['loginAt'];
      if (typeof entry['durationMs'] === 'number') s.durationMs = entry['durationMs'];
    }
  }
  const out = [...sessions.values()].map((s) => settle(s, q));
  return out.sort((a, b) => ((a.loginAt ?? a.firstRequestAt ?? '') < (b.loginAt ?? b.firstRequestAt ?? '') ? -1 : 1));
}

function blank(session: string): SessionSummary {
  return {
    session,
    user: null,
    project: null,
    terminal: null,
    terminalId: null,
    address: null,
    loginAt: null,
    endAt: null,
    endReason: 'open',
    durationMs: null,
    requests: 0,
    refused: 0,
    bytes: 0,
    firstRequestAt: null,
    lastRequestAt: null,
    addresses: [],
  };
}

/** Identity fields: the first value seen wins (the login event comes first when it is in range). */
function fill(s: SessionSummary, e: Record<string, unknown>): void {
  const take = (k: 'user' | 'project' | 'terminal' | 'terminalId' | 'address'): void => {
    if (s[k] === null && typeof e[k] === 'string' && e[k] !== '') s[k] = e[k] as string;
  };
  take('user');
  take('project');
  take('terminal');
  take('terminalId');
  take('address');
}

/** Closes the accounts of a session without an end event: duration, and whether it can still be live. */
function settle(s: SessionSummary, q: SessionQuery): SessionSummary {
  if (s.endAt !== null) {
    if (s.durationMs === null && s.loginAt !== null) s.durationMs = Date.parse(s.endAt) - Date.parse(s.loginAt);
    return s;
  }
  const last = s.lastRequestAt ?? s.loginAt;
  if (last !== null && Date.parse(last) + q.idleTimeoutMs <= q.now) {
    s.endReason = 'expired-unobserved';
    s.endAt = new Date(Date.parse(last) + q.idleTimeoutMs).toISOString();
    if (s.loginAt !== null) s.durationMs = Date.parse(s.endAt) - Date.parse(s.loginAt);
  }
  return s;
}
