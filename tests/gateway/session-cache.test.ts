import t, { type Test } from 'tap';
import { ManualClock } from '../../gateway/core/clock.js';
import { SESSION_COOKIE } from '../../gateway/sessions/cookies.js';
import { sessionIdOf } from '../../gateway/sessions/tokens.js';
import type { GatewayEvent } from '../../gateway/stores/types.js';
import { startGatewayPair } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';
import type { TerminalClient } from '../helpers/client.js';

/**
 * The in-process session cache of a second instance (docs/performance.md, "Session cache staleness"): two
 * gateways share one Redis namespace; news from one evicts the other's cached copy at once, and without news a
 * copy is trusted at most `session.cacheSeconds`. The clock is manual and never advanced unless said, so only
 * eviction can explain a refusal.
 */
const pki = await makePki();
const clock = new ManualClock(Date.now());
const { a, b, close } = await startGatewayPair(pki, 'cache', clock);
t.teardown(close);
const cert = await pki.terminal('cache-1');
await a.addTerminal('cache-1', cert);
const carol = await a.addUser('carol');
const CACHE_MS = a.gw.rt.config.session.cacheSeconds * 1000;

/** Logs in on A and makes B cache the session; returns both clients (same terminal, same cookie) and the id. */
async function sessionCachedOnB(t: Test): Promise<{ onA: TerminalClient; onB: TerminalClient; id: string }> {
  const onA = a.client(cert);
  t.equal(await a.login(onA, 'carol', carol), 201);
  clock.advance(30_000); // the next login needs the next TOTP time step (replay guard)
  const onB = b.client(cert);
  for (const [k, v] of onA.cookies) onB.cookies.set(k, v);
  t.equal((await onB.fetch('/', { headers: { accept: 'application/json' } })).status, 200, 'B serves the session (now cached)');
  return { onA, onB, id: sessionIdOf(onA.cookies.get(SESSION_COOKIE)!) };
}

/** Resolves when B has received news of this kind for this session (B's session manager subscribed first). */
function newsOnB(id: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = b.gw.rt.stores.events.subscribe((e: GatewayEvent) => {
      if (e.type === 'session-ended' && e.session === id) {
        stop();
        resolve();
      }
    });
  });
}

t.test('logout on A evicts the copy cached on B at once (pub/sub), long before cacheSeconds', async (t) => {
  const { onA, onB, id } = await sessionCachedOnB(t);
  const news = newsOnB(id);
  t.equal((await onA.fetch('/_hic/api/session', { method: 'DELETE' })).status, 204);
  await news;
  t.equal((await onB.fetch('/', { headers: { accept: 'application/json' } })).status, 401, 'refused on B, clock not moved');
});

t.test('without news, a stale copy is trusted at most cacheSeconds (the worst case when a message is lost)', async (t) => {
  const { onB, id } = await sessionCachedOnB(t);
  await a.gw.rt.stores.sessions.delete(id); // gone from the store, and nobody told B
  t.equal((await onB.fetch('/', { headers: { accept: 'application/json' } })).status, 200, 'still served from the cache');
  clock.advance(CACHE_MS - 1);
  t.equal((await onB.fetch('/', { headers: { accept: 'application/json' } })).status, 200, 'just inside the bound');
  clock.advance(1);
  t.equal((await onB.fetch('/', { headers: { accept: 'application/json' } })).status, 401, 're-read from the store at the bound');
});

t.test('a resync (subscriber reconnected: news may have been lost) drops every cached copy', async (t) => {
  const { onB, id } = await sessionCachedOnB(t);
  await a.gw.rt.stores.sessions.delete(id);
  b.gw.rt.sessions.onEvent({ type: 'resync' });
  t.equal((await onB.fetch('/', { headers: { accept: 'application/json' } })).status, 401);
});
