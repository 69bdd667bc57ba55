import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { commands } from '../../gateway/cli/commands.js';
import { main } from '../../gateway/cli/main.js';
import { createRedisStores } from '../../gateway/stores/redis/index.js';
import { makePki } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { dropPrefix, REDIS_URL, testPrefix } from '../helpers/redis.js';

/**
 * Issue 13, item 6: the CLI as an operator meets it. Separate `hic` processes against a real Redis shared with a
 * real gateway: help for every group and command, strict days in the configured zone, honest unlock, readable
 * `user show`, `project update` taking effect on the gateway.
 */
const run = promisify(execFile);
const home = mkdtempSync(join(tmpdir(), 'hic-cli13-'));
const prefix = testPrefix('cli13');
const baseEnv = { ...process.env, HIC_HOME: home, REDIS_URL, HIC_STORE_PREFIX: prefix, HIC_OPERATOR: 'admin-ito', HIC_TIMEZONE: '' };

async function hic(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/bin/hic.js', ...args], { env: { ...baseEnv, ...extraEnv } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * Runs the CLI's dispatcher here, capturing what it prints — only for help and usage errors, which are answered
 * before any store or audit log is opened. A `hic` process costs seconds of start-up on the shared 2-core machine,
 * so the processes are kept for what needs one (the binary's wiring, state in Redis).
 */
async function inProcess(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  Object.assign(process.env, env);
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

// A `hic` process takes seconds to start on the shared 2-core CI machine (tens of seconds at a load of 20): this
// file still runs about fifteen of them.
t.setTimeout(900_000);
const pki = await makePki();
const gw = await startTestGateway({ pki, store: 'redis', prefix });
const stores = await createRedisStores({ url: REDIS_URL, prefix });
t.teardown(async () => {
  await stores.close();
  await gw.close();
  await dropPrefix(prefix);
});

t.test('--help answers for every group and every command, exit 0', async (t) => {
  for (const group of ['user', 'ca', 'project', 'audit']) {
    // One group through a real process (the binary's wiring), the others through the same dispatcher here.
    const res = group === 'user' ? await hic([group, '--help']) : await inProcess([group, '--help']);
    t.equal(res.code, 0, `hic ${group} --help exits 0`);
    const names = commands.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name);
    t.ok(names.length >= 4, `${group} has commands`);
    for (const name of names) t.match(res.stdout, `hic ${name}`, `hic ${group} --help lists ${name}`);
    t.notMatch(res.stdout + res.stderr, /unknown command/);
  }
  t.equal((await inProcess(['help', 'user'])).code, 0);
  const bare = await inProcess(['user']);
  t.equal(bare.code, 2, 'a group alone is a usage error');
  t.match(bare.stderr, /hic user: which command\?/);
  const typo = await inProcess(['user', 'unlok']);
  t.equal(typo.code, 2);
  t.match(typo.stderr, /unknown command: unlok[\s\S]*hic user unlock/, 'a typo lists the real commands');
  // Every command of every group through the same dispatcher in this process (a `hic` process costs seconds of
  // start-up on the shared CI machine; the processes above already prove the binary's wiring).
  for (const name of commands.map((c) => c.name)) {
    const res = await inProcess([...name.split(' '), '--help']);
    t.equal(res.code, 0, `hic ${name} --help exits 0`);
    t.match(res.stdout, /usage: hic /, `hic ${name} --help prints its usage`);
  }
  const top = await hic(['--help']);
  t.match(top.stdout, /npx hic <command>/, 'the top help says how to run it from a checkout');
});

t.test('days: strictly YYYY-MM-DD, in Asia/Tokyo by default, the end day inclusive to 23:59:59.999 local', async (t) => {
  const add = await hic([
    'project',
    'add',
    'tokyo',
    '--upstream',
    gw.workspace.url,
    '--network',
    '127.0.0.0/8',
    '--start',
    '2026-04-01',
    '--end',
    '2027-03-31',
    '--json',
  ]);
  t.equal(add.code, 0, add.stderr);
  const p = JSON.parse(add.stdout).project;
  t.equal(p.startsAt, '2026-03-31T15:00:00.000Z', 'the first day starts at 00:00 Japan time');
  t.equal(p.endsAt, '2027-03-31T15:00:00.000Z', 'the last day lasts to 23:59:59.999 Japan time (stored as the next midnight, exclusive)');
  t.equal(p.lastDay, '2027-03-31');
  t.equal(p.timeZone, 'Asia/Tokyo');
  const stored = (await stores.projects.get('tokyo'))!;
  t.equal(stored.endsAt! - 1, Date.parse('2027-03-31T23:59:59.999+09:00'), 'the last usable millisecond');

  const bads = ['2026/3/31', '01/04/2026', '2026-02-30'];
  const refused = [];
  for (const bad of bads)
    refused.push(await inProcess(['project', 'add', 'bad', '--upstream', gw.workspace.url, '--network', '127.0.0.0/8', '--end', bad]));
  refused.forEach((res, i) => {
    t.equal(res.code, 2, `${bads[i]} is refused as a usage error`);
    t.match(
      res.stderr,
      `--end: "${bads[i]}" is not a day; use YYYY-MM-DD, e.g. 2027-03-31 (a day that exists, in Asia/Tokyo; the end day is included up to 23:59:59.999)`,
    );
  });
  t.equal(await stores.projects.get('bad'), null, 'nothing was created');

  // The configured zone: New York is on daylight time (UTC-4) on 2027-03-31.
  const ny = await hic(
    [
      'project',
      'add',
      'newyork',
      '--upstream',
      gw.workspace.url,
      '--network',
      '127.0.0.0/8',
      '--start',
      '2027-01-15',
      '--end',
      '2027-03-31',
      '--json',
    ],
    { HIC_TIMEZONE: 'America/New_York' },
  );
  t.equal(ny.code, 0, ny.stderr);
  t.equal(JSON.parse(ny.stdout).project.startsAt, '2027-01-15T05:00:00.000Z', 'EST start');
  t.equal(JSON.parse(ny.stdout).project.endsAt, '2027-04-01T04:00:00.000Z', 'EDT end');
  const badZone = await hic(['project', 'show', 'tokyo'], { HIC_TIMEZONE: 'Mars/Olympus' });
  t.equal(badZone.code, 2);
  t.match(badZone.stderr, /HIC_TIMEZONE: unknown time zone "Mars\/Olympus" \(an IANA name such as Asia\/Tokyo or UTC\)/);

  const search = await hic(['audit', 'search', '--since', '2025-02-30']);
  t.equal(search.code, 2, 'audit search refuses a day that does not exist');
  t.match(search.stderr, /since: an ISO 8601 time .*a day that exists \(YYYY-MM-DD\)/);
});

t.test('project update: dates, networks, upstream, profile; every instance sees it; unknown profile refused', async (t) => {
  t.equal((await hic(['project', 'add', 'upd', '--upstream', gw.workspace.url, '--network', '127.0.0.0/8'])).code, 0);
  for (let i = 0; i < 100 && !gw.gw.rt.projects.has('upd'); i++) await new Promise((r) => setTimeout(r, 10));
  t.ok(gw.gw.rt.projects.get('upd')!.usableAt(gw.clock.now()), 'usable before the change');

  const unknown = await hic(['project', 'update', 'upd', '--profile', 'rstudio-9']);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, 'profile: unknown workspace profile "rstudio-9" (known: demo, generic, jupyter-notebook-6.4)');
  t.equal((await stores.projects.get('upd'))!.profile, undefined, 'nothing changed');
  const noCredential = await hic(['project', 'update', 'upd', '--profile', 'jupyter-notebook-6.4']);
  t.equal(noCredential.code, 1, 'a profile that needs a credential is refused without one');
  t.match(noCredential.stderr, /needs a credential file/);
  const nothing = await inProcess(['project', 'update', 'upd']);
  t.equal(nothing.code, 2);
  t.match(nothing.stderr, /nothing to change: give at least one of --start, --end/);
  const both = await inProcess(['project', 'update', 'upd', '--end', '2027-01-01', '--clear-end']);
  t.equal(both.code, 2);

  // Yesterday in Japan time as the last day: the project is outside its usage period at once, on the gateway too.
  const yesterday = new Date(Date.now() + 9 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
  const res = await hic([
    'project',
    'update',
    'upd',
    '--end',
    yesterday,
    '--network',
    '127.0.0.0/8',
    '--network',
    '10.9.0.0/16',
    '--upstream',
    'http://127.0.0.1:9',
    '--profile',
    'jupyter-notebook-6.4',
    '--credential-file',
    join(gw.dir, 'workspace.token'),
    '--json',
  ]);
  t.equal(res.code, 0, res.stderr);
  const stored = (await stores.projects.get('upd'))!;
  t.same(stored.networks, ['127.0.0.0/8', '10.9.0.0/16']);
  t.equal(stored.upstream, 'http://127.0.0.1:9');
  t.equal(stored.profile, 'jupyter-notebook-6.4');
  t.equal(stored.endsAt, Date.parse(`${yesterday}T00:00:00+09:00`) + 86_400_000);
  for (let i = 0; i < 100 && gw.gw.rt.projects.get('upd')!.upstream !== 'http://127.0.0.1:9'; i++)
    await new Promise((r) => setTimeout(r, 10));
  t.equal(gw.gw.rt.projects.get('upd')!.upstream, 'http://127.0.0.1:9', 'the gateway reloaded the project');
  t.notOk(gw.gw.rt.projects.get('upd')!.usableAt(Date.now()), 'outside the usage period now');

  const cleared = await hic(['project', 'update', 'upd', '--clear-end', '--json']);
  t.equal(cleared.code, 0, cleared.stderr);
  t.equal(JSON.parse(cleared.stdout).project.endsAt, null);

  const badNet = await hic(['project', 'update', 'upd', '--network', '10.0.0.0/33']);
  t.equal(badNet.code, 1);
  t.match(badNet.stderr, 'networks: "10.0.0.0/33" is not a CIDR (e.g. 203.0.113.0/28)');
  t.equal((await hic(['project', 'end', 'upd'])).code, 0);
  const ended = await hic(['project', 'update', 'upd', '--clear-start']);
  t.equal(ended.code, 1);
  t.match(ended.stderr, 'project upd has ended; an ended project cannot be changed');
});

t.test('user unlock is honest; user show is a table; user ids say what is allowed', async (t) => {
  t.equal((await hic(['user', 'add', 'kana', '--role', 'analyst', '--project', 'tokyo'])).code, 0);
  const notLocked = await hic(['user', 'unlock', 'kana', '--verified-by', 'hd-sato', '--method', 'call-back', '--document', 'staff card']);
  t.equal(notLocked.code, 1, 'nothing to unlock is a refusal, exit 1');
  t.match(notLocked.stderr, 'hic user unlock: kana is not locked: nothing was changed and no identity check was recorded');
  const asJson = await hic([
    'user',
    'unlock',
    'kana',
    '--verified-by',
    'hd-sato',
    '--method',
    'call-back',
    '--document',
    'staff card',
    '--json',
  ]);
  t.same(JSON.parse(asJson.stdout), {
    ok: false,
    error: 'NOT_LOCKED',
    message: 'kana is not locked: nothing was changed and no identity check was recorded',
  });
  t.same((await stores.accounts.get('kana'))!.identityChecks ?? [], [], 'no ledger entry for an unlock that did not happen');

  const account = (await stores.accounts.get('kana'))!;
  await stores.accounts.put({ ...account, lockedAt: Date.parse('2026-11-20T10:15:00+09:00') });
  await stores.ephemeral.increment('fail:password:kana', 60_000);
  const shownLocked = await hic(['user', 'show', 'kana']);
  t.equal(shownLocked.code, 0, shownLocked.stderr);
  t.match(shownLocked.stdout, /^user id +kana$/m);
  t.match(shownLocked.stdout, /^locked +yes, since 2026-11-20 10:15:00 \(Asia\/Tokyo\)/m);
  t.match(shownLocked.stdout, /^failed attempts +password 1 of 5, one-time code 0 of 5$/m);
  t.match(shownLocked.stdout, /^name +-$/m);
  t.match(shownLocked.stdout, /identity checks[^\n]*\n {2}\(none\)/);
  t.notMatch(shownLocked.stdout, /null|\{|\[/, 'no raw JSON, no null');

  const ok = await hic([
    'user',
    'unlock',
    'kana',
    '--verified-by',
    'hd-sato',
    '--method',
    'call-back',
    '--document',
    'staff card',
    '--reference',
    'T-42',
  ]);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, 'unlocked kana');
  const shown = await hic(['user', 'show', 'kana'], { HIC_TIMEZONE: 'UTC' });
  t.match(shown.stdout, /^locked +no$/m);
  t.match(shown.stdout, /^ {2}WHEN +ACTION +VERIFIED BY +METHOD +DOCUMENT +REFERENCE$/m);
  t.match(shown.stdout, /^ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +unlock +hd-sato +call-back +staff card +T-42$/m);
  const json = JSON.parse((await hic(['user', 'show', 'kana', '--json'])).stdout);
  t.equal(json.identityChecks.length, 1);
  t.same(json.failures, { password: 0, totp: 0 }, 'the unlock cleared the counters');

  const badId = await inProcess(['user', 'show', 'kana sato']);
  t.equal(badId.code, 2);
  t.match(badId.stderr, '"kana sato" is not a user id: use 1 to 64 characters: letters A-Z a-z, digits 0-9 and . _ @ -');
  const none = await inProcess(['user', 'show']);
  t.equal(none.code, 2);
  t.match(none.stderr, 'give exactly one user id (1 to 64 characters');
});
