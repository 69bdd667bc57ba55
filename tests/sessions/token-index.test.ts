import t from 'tap';
import { ManualClock } from '../../gateway/core/clock.js';
import type { AuditPort } from '../../gateway/core/audit-port.js';
import { SessionManager } from '../../gateway/sessions/session-manager.js';
import { createMemoryStores } from '../../gateway/stores/memory/index.js';

/**
 * Issue 14, memory: the session manager's id → token index is emptied together with its cache. Before the fix, news
 * that dropped cached copies (suspension, revocation, resync) left their index entries behind for good, so an
 * instance that ran long enough (with its Redis connection blipping: every reconnect is a resync) grew without bound.
 */
const clock = new ManualClock(Date.now());
const stores = createMemoryStores(clock);
const audit: AuditPort = { access() {}, async security() {}, securityLater() {}, async flush() {}, async close() {} };
const sessions = new SessionManager(stores, clock, audit, {
  idleTimeoutSeconds: 1200,
  absoluteLifetimeSeconds: 43200,
  touchIntervalSeconds: 5,
  cacheSeconds: 10,
});
t.teardown(() => sessions.close());

/** Creates a session and resolves it once (as the first request does), which caches it and indexes its token. */
async function cachedSession(user: string, terminal: string): Promise<string> {
  const { token } = await sessions.create({
    user,
    project: 'alpha',
    roles: ['analyst'],
    terminal,
    terminalId: `t-${terminal}`,
    address: '127.0.0.1',
  });
  const record = await sessions.resolve(token);
  if (!record || record === 'unavailable') throw new Error('not resolved');
  return token;
}

t.test("suspension news drops the user's cached sessions and their index entries, no one else's", async (t) => {
  await cachedSession('ann', 'fp-1');
  await cachedSession('ann', 'fp-2');
  await cachedSession('ben', 'fp-1');
  t.same([sessions.cachedCount, sessions.indexedCount], [3, 3]);
  sessions.onEvent({ type: 'user-suspended', user: 'ann', reason: 'test' });
  t.same([sessions.cachedCount, sessions.indexedCount], [1, 1], "ben's session stays, ann's two are gone from both");
});

t.test("revocation news drops the terminal's sessions from both", async (t) => {
  await cachedSession('cy', 'fp-9');
  const before = [sessions.cachedCount, sessions.indexedCount];
  sessions.onEvent({ type: 'terminal-revoked', fingerprint: 'fp-9', reason: 'keyCompromise' });
  t.same([sessions.cachedCount, sessions.indexedCount], [before[0]! - 1, before[1]! - 1]);
});

t.test('resync empties both', async (t) => {
  for (let i = 0; i < 20; i++) await cachedSession(`u${i}`, 'fp-3');
  t.ok(sessions.indexedCount >= 20);
  sessions.onEvent({ type: 'resync' });
  t.same([sessions.cachedCount, sessions.indexedCount], [0, 0]);
});
