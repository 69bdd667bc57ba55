import t from 'tap';
import { ManualClock } from '../../gateway/core/clock.js';
import { delayAfter, FREE_FAILURES, HARD_LIMIT, TERMINAL_ALERT_AT } from '../../gateway/login/login-throttle.js';
import { startGatewayPair } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';
import type { TerminalClient } from '../helpers/client.js';

/**
 * Issue 11 item 5, "one address can lock a whole site out": 20 failures from one address refused every login from
 * it — right credentials included, from every terminal behind the site's NAT — and the helpdesk could not clear it.
 * Now the terminal certificate + address is slowed (growing delay), then refused; other terminals behind the same
 * address are untouched; a helpdesk unlock lets the user in at once. Two gateway instances on one real Redis, one
 * manual clock (no sleeps).
 */
const pki = await makePki();
const abuserCert = await pki.terminal('site-pc-1');
const neighbourCert = await pki.terminal('site-pc-2');
const staffCert = await pki.terminal('helpdesk-pc');
const clock = new ManualClock(Date.parse('2026-11-27T01:00:00Z'));
const { a, b, close } = await startGatewayPair(pki, 'throttle', clock);
t.teardown(close);
await a.addTerminal('site-pc-1', abuserCert);
await a.addTerminal('site-pc-2', neighbourCert);
await a.addTerminal('helpdesk-pc', staffCert, []);
const mia = await a.addUser('mia');
const ken = await a.addUser('ken');
const hd = await a.addUser('hd1', ['helpdesk'], null);
const ledger = { verifiedBy: 'hd1', method: 'video call', document: 'employee card', reference: 'TCK-9' };

async function attempt(c: TerminalClient, username: string, password: string): Promise<{ status: number; retryAfter: string | undefined }> {
  const r = await c.fetch('/_hic/api/session', { method: 'POST', body: { username, password, totp: '000000' } });
  return { status: r.status, retryAfter: r.headers['retry-after'] as string | undefined };
}

t.test('delay schedule: free failures, then doubling, capped', async (t) => {
  t.same([0, 4, 5, 6, 7, 10, 11, 12, 30].map(delayAfter), [0, 0, 1000, 2000, 4000, 32000, 60000, 60000, 60000]);
});

t.test('a failing terminal is slowed down, not the site behind its address; the helpdesk unlock lets the user in at once', async (t) => {
  const abuser = a.client(abuserCert);
  const onB = b.client(abuserCert);
  for (let i = 0; i < FREE_FAILURES; i++)
    t.equal((await attempt(i % 2 ? onB : abuser, 'mia', `Wrong#${i}x`)).status, 401, `free failure ${i + 1} (either instance)`);
  t.not((await a.gw.rt.stores.accounts.get('mia'))!.lockedAt, null, 'mia is locked by her 5 failures');

  const slowed = await attempt(onB, 'nobody', 'x');
  t.same(slowed, { status: 429, retryAfter: '1' }, 'the 6th attempt must wait 1 s, on the other instance too');
  clock.advance(1_000);
  t.equal((await attempt(abuser, 'nobody', 'x')).status, 401, 'after the wait it is tried (and fails)');
  t.same(await attempt(abuser, 'nobody', 'x'), { status: 429, retryAfter: '2' }, 'the wait doubles');

  // Another terminal behind the same NAT address (both are 127.0.0.1 here) logs in at once.
  const neighbour = a.client(neighbourCert);
  t.equal(await a.login(neighbour, 'ken', ken), 201, 'the neighbour terminal is not locked out');

  // The helpdesk (on instance B) checks mia's identity and unlocks her: she logs in at once from the slowed terminal.
  const helpdesk = b.client(staffCert);
  t.equal(await b.login(helpdesk, 'hd1', hd), 201);
  t.equal((await attempt(abuser, 'mia', mia.password)).status, 429, 'before the unlock: still slowed');
  const unlock = await helpdesk.fetch('/_hic/api/users/mia/unlock', { method: 'POST', body: ledger });
  t.equal(unlock.status, 200);
  clock.advance(30_000); // a new TOTP step for mia (hd1 used the current one at the same clock)
  t.equal(await a.login(abuser, 'mia', mia), 201, 'mia logs in at once from the same terminal, unlock done on the other instance');
  t.equal(
    (await attempt(abuser, 'nobody', 'x')).status,
    401,
    "the pass was mia's, used up by her login; the terminal's own wait has passed",
  );
  t.same(
    await attempt(abuser, 'nobody', 'x'),
    { status: 429, retryAfter: String(delayAfter(FREE_FAILURES + 2) / 1000) },
    'others on that terminal stay slowed',
  );

  const lines = [...(await a.auditLines()), ...(await b.auditLines())];
  const throttled = lines.filter((l) => l.event === 'login-failed' && l.reason === 'login-throttled');
  t.equal(throttled.length, 4, 'every slowed attempt is audited');
  t.ok(
    throttled.every((l) => l.terminalId === 'site-pc-1'),
    'and names the terminal',
  );
  t.ok(
    lines.some((l) => l.event === 'staff-action' && l.action === 'user.unlock' && l.user === 'mia' && l.by === 'hd1'),
    'the unlock is a staff action',
  );
});

t.test('parallel attempts on two instances get one try per delay, not one each', async (t) => {
  const cert = await pki.terminal('race-pc');
  await a.addTerminal('race-pc', cert);
  const ca = a.client(cert);
  const cb = b.client(cert);
  const first = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(i % 2 ? cb : ca, `nobody${i}`, 'x')));
  const tried = first.filter((r) => r.status === 401).length;
  t.ok(
    tried === FREE_FAILURES || tried === FREE_FAILURES + 1,
    `a fresh terminal's burst of 12 gets its ${FREE_FAILURES} free tries and at most one more, not 12 (${tried})`,
  );
  t.equal(first.filter((r) => r.status === 429).length, 12 - tried, 'the rest are told to wait');
  clock.advance(delayAfter(FREE_FAILURES + 1));
  const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(i % 2 ? cb : ca, 'nobody', 'x')));
  const statuses = burst.map((r) => r.status).sort();
  t.same(statuses, [401, ...Array(11).fill(429)], 'once slowed, exactly one of 12 racing attempts is tried');
});

t.test('alerts stay: one per slowed terminal, one per address; past the hard limit the terminal is refused', async (t) => {
  const cert = await pki.terminal('alert-pc');
  await a.addTerminal('alert-pc', cert);
  const c = a.client(cert);
  const statuses: number[] = [];
  for (let i = 0; i < HARD_LIMIT; i++) {
    statuses.push((await attempt(c, `sprayed${i}`, 'Spring2026!')).status);
    clock.advance(delayAfter(i + 1));
  }
  t.same(statuses, Array(HARD_LIMIT).fill(401), 'a patient sprayer is slowed, each attempt tried after its wait');
  const refused = await attempt(c, 'sprayed-last', 'x');
  t.equal(refused.status, 429, `after ${HARD_LIMIT} failures the terminal is refused`);
  t.equal(refused.retryAfter, '600');
  clock.advance(60 * 60_000);
  t.equal((await attempt(c, 'sprayed-later', 'x')).status, 429, 'refused however long it waits by the clock, until the window ends');
  const alerts = (await a.auditLines()).filter((l) => l.event === 'alert' && l.type === 'failed-login-burst');
  const terminalAlerts = alerts.filter((l) => l.scope === 'terminal' && l.terminalId === 'alert-pc');
  t.equal(terminalAlerts.length, 1, 'one terminal alert');
  t.equal(terminalAlerts[0]!.failures, TERMINAL_ALERT_AT);
  t.equal(
    alerts.filter((l) => l.scope === 'address' && l.address === '127.0.0.1').length,
    1,
    'one address alert for the site (all its terminals count)',
  );
});
