import type { Test } from 'tap';
import type { SessionRecord, Stores, Terminal, TransferRequest } from '../../gateway/stores/types.js';

/** A session record for store tests (the conformance suite's, and the Redis-only tests'). */
export function session(id: string, user = 'u1', terminal = 'fp1'): SessionRecord {
  return {
    id,
    user,
    project: 'alpha',
    roles: ['analyst'],
    terminal,
    terminalId: 't1',
    address: '127.0.0.1',
    createdAt: 1,
    lastActiveAt: 1,
    expiresAt: 10_000_000_000_000,
  };
}

function terminal(id: string, fingerprint: string): Terminal {
  return {
    id,
    site: 's',
    projects: ['alpha'],
    fingerprint,
    serial: 'ab',
    notAfter: 2,
    status: 'active',
    requestedBy: 'admin',
    registeredAt: 1,
  };
}

function transfer(id: string, createdAt = 1): TransferRequest {
  return {
    id,
    direction: 'export',
    project: 'alpha',
    user: 'u1',
    name: 'a.csv',
    path: 'out/a.csv',
    purpose: 'paper',
    size: 10,
    sha256: 'ab'.repeat(32),
    status: 'pending',
    createdAt,
    precheck: { findings: [], sheets: [] },
    maxDownloads: 2,
    validityMs: 1_000,
    validUntil: null,
    downloads: 0,
    revision: 0,
  };
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
      username: 'alice',
      roles: ['analyst' as const],
      project: 'alpha',
      status: 'active' as const,
      passwordHash: 'h',
      passwordMeta: { changedAt: 1, length: 10, hasAllClasses: true, initial: false },
      passwordHistory: [],
      totpSecretSealed: null,
      totpEnrolled: false,
      lockedAt: null,
      createdAt: 1,
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
    t.equal(await s.terminals.getByFingerprint('fp-old'), null, 'the replaced certificate no longer finds the terminal');
  });

  t.test('terminals: create refuses a taken id; replace is compare-and-set on the revision', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    const creations = await Promise.all(Array.from({ length: 10 }, (_, i) => s.terminals.create(terminal('dup', `fp-${i}`))));
    t.equal(creations.filter(Boolean).length, 1, 'exactly one create wins');
    const stored = (await s.terminals.get('dup'))!;
    t.equal(stored.fingerprint, `fp-${creations.indexOf(true)}`);
    t.equal((await s.terminals.getByFingerprint(stored.fingerprint))?.id, 'dup', 'indexed by fingerprint');
    t.equal(await s.terminals.replace({ ...stored, status: 'revoked' }, 1), false, 'wrong revision refused');
    t.equal(await s.terminals.replace({ ...stored, status: 'revoked' }, 0), true);
    const revoked = (await s.terminals.get('dup'))!;
    t.equal(revoked.status, 'revoked');
    t.equal(revoked.revision, 1, 'revision bumped');
    const race = await Promise.all([
      s.terminals.replace({ ...revoked, status: 'active', fingerprint: 'fp-renewed' }, 1),
      s.terminals.replace({ ...revoked, note: 'second writer' }, 1),
    ]);
    t.same(race.filter(Boolean).length, 1, 'two writers on one revision: one wins');
    t.equal(await s.terminals.replace(terminal('missing', 'fp-x'), 0), false, 'replace does not create');
  });

  t.test('sessions: listed by terminal certificate, deleted ones drop out', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    await s.sessions.create(session('x1', 'u1', 'fp-a'), 60_000);
    await s.sessions.create(session('x2', 'u2', 'fp-a'), 60_000);
    await s.sessions.create(session('x3', 'u1', 'fp-b'), 60_000);
    t.same((await s.sessions.listByTerminal('fp-a')).sort(), ['x1', 'x2']);
    await s.sessions.delete('x1');
    t.same(await s.sessions.listByTerminal('fp-a'), ['x2']);
    t.same(await s.sessions.listByTerminal('fp-none'), []);
  });

  t.test('crls: numbers only grow, never below the floor; an older CRL cannot replace a newer one', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    const a = await s.crls.nextNumber(1_000);
    const b = await s.crls.nextNumber(10);
    t.ok(a >= 1_000, 'at least the floor');
    t.ok(b > a, 'grows even when the floor is lower');
    const numbers = await Promise.all(Array.from({ length: 20 }, () => s.crls.nextNumber(0)));
    t.equal(new Set(numbers).size, 20, 'unique under concurrency');
    t.equal(await s.crls.get(), null);
    const crl = { number: b, pem: 'PEM-B', thisUpdate: 1, nextUpdate: 2, entries: 0 };
    t.equal(await s.crls.put(crl), true);
    t.equal(await s.crls.put({ ...crl, number: a, pem: 'PEM-A' }), false, 'older number refused');
    t.equal((await s.crls.get())?.pem, 'PEM-B');
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
    t.same(
      [...counts].sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i + 1),
      'every increment sees a distinct count',
    );
    await s.ephemeral.delete('n');
    t.equal(await s.ephemeral.increment('n', 60_000), 1, 'deleted counter restarts');
    t.equal(await s.ephemeral.increment('n', 60_000, -1), 0, 'a negative step gives a reservation back');
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.ephemeral.increment('n', 60_000, i % 2 ? -1 : 3)));
    t.equal(await s.ephemeral.increment('n', 60_000, 0), 20, 'concurrent steps of both signs add up exactly (10 × 3 − 10)');
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

  t.test('audit checkpoints: a capped list per instance, oldest first; a server clock (LOG-3, LOG-5)', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    for (let i = 1; i <= 5; i++) await s.auditCheckpoints!.publish('gw-a', `jws-${i}`, 3);
    await s.auditCheckpoints!.publish('gw-b', 'jws-b', 3);
    const all = await s.auditCheckpoints!.all();
    t.same([...all.keys()], ['gw-a', 'gw-b']);
    t.same(all.get('gw-a'), ['jws-3', 'jws-4', 'jws-5'], 'only the newest 3 are kept');
    t.equal(typeof (await s.serverTime!()), 'number');
  });

  t.test('transfers: create once, compare-and-set decisions, downloads counted atomically within the limits', async (t) => {
    const s = await open();
    t.teardown(() => s.close());
    t.equal(await s.transfers.create(transfer('e1', 5)), true);
    t.equal(await s.transfers.create(transfer('e1', 6)), false, 'a taken id is refused');
    await s.transfers.create(transfer('e0', 2));
    t.same(
      (await s.transfers.list()).map((r) => r.id),
      ['e0', 'e1'],
      'oldest first',
    );
    const stored = (await s.transfers.get('e1'))!;
    t.same(stored.precheck, { findings: [], sheets: [] }, 'empty arrays survive the round trip');
    t.same(await s.transfers.takeDownload('e1', 10), { ok: false, reason: 'not-approved' });
    t.same(await s.transfers.takeDownload('nope', 10), { ok: false, reason: 'not-found' });
    const approved = { ...stored, status: 'approved' as const, validUntil: 1_000 };
    const race = await Promise.all([s.transfers.replace(approved, 0), s.transfers.replace({ ...stored, status: 'rejected' }, 0)]);
    t.same(race, [true, false], 'two decisions on one revision: the first wins');
    t.equal((await s.transfers.get('e1'))!.revision, 1);
    const takes = await Promise.all(Array.from({ length: 6 }, () => s.transfers.takeDownload('e1', 999)));
    t.same(
      takes
        .filter((x) => x.ok)
        .map((x) => (x as { count: number }).count)
        .sort(),
      [1, 2],
      'exactly maxDownloads downloads counted under concurrency',
    );
    t.same(
      takes.filter((x) => !x.ok).map((x) => (x as { reason: string }).reason),
      ['limit-reached', 'limit-reached', 'limit-reached', 'limit-reached'],
    );
    t.equal((await s.transfers.get('e1'))!.downloads, 2);
    t.equal(await s.transfers.replace({ ...approved, purpose: 'stale writer' }, 1), true);
    t.equal((await s.transfers.get('e1'))!.downloads, 2, "a later write keeps the store's count");
    await s.transfers.create({ ...transfer('e2'), status: 'approved', validUntil: 100 });
    t.same(await s.transfers.takeDownload('e2', 100), { ok: false, reason: 'expired' }, 'at validUntil it has expired');
    t.same(await s.transfers.takeDownload('e2', 99), { ok: true, count: 1 });
  });
}
