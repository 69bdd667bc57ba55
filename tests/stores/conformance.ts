import type { Test } from 'tap';
import type { SessionRecord, Stores, Terminal } from '../../gateway/stores/types.js';

function session(id: string, user = 'u1'): SessionRecord {
  return { id, user, project: 'alpha', roles: ['analyst'], terminal: 'fp1', terminalId: 't1', address: '127.0.0.1', createdAt: 1, lastActiveAt: 1, expiresAt: 10_000_000_000_000 };
}

function terminal(id: string, fingerprint: string): Terminal {
  return { id, site: 's', projects: ['alpha'], fingerprint, serial: 'ab', notAfter: 2, status: 'active', requestedBy: 'admin', registeredAt: 1 };
}

/**
 * The one suite every store backend must pass (memory and Redis, the latter on a real redis-server).
 * `open` returns fresh, empty stores (a new key prefix for Redis).
 */
export function storeConformance(t: Test, open: () => Promise<Stores>): void {
  t.test('sessions: create, get, touch, delete, list by user', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    await s.sessions.create(session('a'), 60_000);
    await s.sessions.create(session('b'), 60_000);
    await s.sessions.create(session('c', 'u2'), 60_000);
    t.same((await s.sessions.get('a'))?.user, 'u1');
    t.equal(await s.sessions.get('nope'), null);
    await s.sessions.touch('a', 500, 60_000);
    t.equal((await s.sessions.get('a'))?.lastActiveAt, 500);
    await s.sessions.touch('missing', 500, 60_000);
    t.equal(await s.sessions.get('missing'), null, 'touch does not create');
    t.same((await s.sessions.listByUser('u1')).sort(), ['a', 'b']);
    const removed = await s.sessions.delete('a');
    t.equal(removed?.id, 'a');
    t.equal(await s.sessions.delete('a'), null, 'second delete finds nothing');
    t.equal(await s.sessions.get('a'), null);
    t.same(await s.sessions.listByUser('u1'), ['b']);
  });

  t.test('accounts: create only when absent, put, get, list', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    const base = {
      username: 'alice', roles: ['analyst' as const], project: 'alpha', status: 'active' as const, passwordHash: 'h',
      passwordMeta: { changedAt: 1, length: 10, hasAllClasses: true, initial: false }, passwordHistory: [],
      totpSecretSealed: null, totpEnrolled: false, lockedAt: null, createdAt: 1,
    };
    t.equal(await s.accounts.create(base), true);
    t.equal(await s.accounts.create({ ...base, passwordHash: 'other' }), false, 'duplicate refused');
    t.equal((await s.accounts.get('alice'))?.passwordHash, 'h');
    await s.accounts.put({ ...base, status: 'suspended' });
    t.equal((await s.accounts.get('alice'))?.status, 'suspended');
    t.equal(await s.accounts.get('bob'), null);
    t.equal((await s.accounts.list()).length, 1);
  });

  t.test('terminals: by id and by fingerprint; renewal moves the fingerprint', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    await s.terminals.put(terminal('t1', 'fp-old'));
    t.equal((await s.terminals.getByFingerprint('fp-old'))?.id, 't1');
    await s.terminals.put(terminal('t1', 'fp-new'));
    t.equal((await s.terminals.getByFingerprint('fp-new'))?.id, 't1');
    t.equal((await s.terminals.get('t1'))?.fingerprint, 'fp-new');
    t.equal((await s.terminals.list()).length, 1);
    t.equal(await s.terminals.get('t2'), null);
  });

  t.test('ephemeral: claim is first-wins under concurrency, take reads once, increment is exact', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    const claims = await Promise.all(Array.from({ length: 20 }, () => s.ephemeral.claim('k', 60_000)));
    t.equal(claims.filter(Boolean).length, 1, 'exactly one claim wins');
    await s.ephemeral.put('v', 'hello', 60_000);
    t.equal(await s.ephemeral.get('v'), 'hello');
    t.equal(await s.ephemeral.take('v'), 'hello');
    t.equal(await s.ephemeral.take('v'), null, 'taken once');
    const counts = await Promise.all(Array.from({ length: 50 }, () => s.ephemeral.increment('n', 60_000)));
    t.same([...counts].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1), 'every increment sees a distinct count');
    await s.ephemeral.delete('n');
    t.equal(await s.ephemeral.increment('n', 60_000), 1, 'deleted counter restarts');
  });

  t.test('events: published news reaches subscribers', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    const got = new Promise((resolve) => {
      const off = s.events.subscribe((e) => {
        if (e.type === 'user-suspended') {
          off();
          resolve(e);
        }
      });
    });
    await s.events.publish({ type: 'user-suspended', user: 'alice', reason: 'test' });
    t.same(await got, { type: 'user-suspended', user: 'alice', reason: 'test' });
    t.equal(s.healthy(), true);
  });
}
