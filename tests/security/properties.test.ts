import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { ConfigError, loadConfig, validateConfig } from '../../gateway/config/load.js';
import { safeNext } from '../../gateway/http/next-target.js';
import { NetworkSet, parseCidr } from '../../gateway/net/cidr.js';
import { readCookie, SESSION_COOKIE } from '../../gateway/sessions/cookies.js';

/**
 * Bounded property-based runs (fast-check; each a few hundred cases, well under a few seconds) over the parsers an
 * attacker feeds directly: the `next` resolver, the cookie reader, the CIDR matcher and the configuration loader.
 * A failure prints the seed and the shrunk counterexample; rerun with `{ seed }` to reproduce.
 */
const RUNS = { numRuns: 400, interruptAfterTimeLimit: 4_000 };
const ORIGIN = 'https://gateway.example.jp';

/** Strings built from the pieces open-redirect payloads are made of, plus arbitrary text. */
const redirectish = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(
      fc.constantFrom(
        '/',
        '//',
        '\\',
        '.',
        '..',
        '%',
        '%09',
        '%0a',
        '%0d',
        '%2f',
        '%2F',
        '%5c',
        '%2e',
        '\t',
        '\n',
        '\r',
        ' ',
        '\u3000',
        '\x00',
        ':',
        '@',
        '?',
        '#',
        'evil.example',
        'gateway.example.jp',
        'https:',
        'http:',
        'javascript:',
        '_hic',
        '%5Fhic',
        'a',
        'b/c',
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join('')),
);

t.test("next resolver: the result is always a path on the gateway's own origin, as a browser reads it", async (t) => {
  fc.assert(
    fc.property(redirectish, (input) => {
      const out = safeNext(input, ORIGIN);
      if (out === '') return true;
      if (!out.startsWith('/') || out.startsWith('//')) return false;
      // eslint-disable-next-line no-control-regex -- the property is that no control character survives
      if (/[\x00-\x20\x7f\\]/.test(out)) return false; // browsers strip or reinterpret these
      if (new URL(out, ORIGIN).origin !== ORIGIN) return false;
      if (safeNext(out, ORIGIN) !== out) return false; // stable: what is kept is kept as is
      // Never the sign-in machinery; a staff page only as written plainly.
      const pathname = new URL(out, ORIGIN).pathname;
      if (
        /^\/_hic(\/|$)/i.test(decodeURIComponent(pathname)) &&
        (decodeURIComponent(pathname) !== pathname ||
          /^\/_hic$|^\/_hic\/(login|logout|api|static|enrol|password|reset)(\/|$)/i.test(pathname))
      )
        return false;
      return true;
    }),
    RUNS,
  );
  t.pass('property held');
});

t.test('next resolver: ordinary workspace paths are kept exactly', async (t) => {
  const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,10}$/).filter((s) => s !== '.' && s !== '..' && s !== '_hic');
  fc.assert(
    fc.property(
      fc.array(segment, { minLength: 1, maxLength: 5 }),
      fc.option(fc.stringMatching(/^[a-z]{1,5}=[a-z0-9]{0,5}$/)),
      (segs, query) => {
        const path = `/${segs.join('/')}${query ? `?${query}` : ''}`;
        return safeNext(path, ORIGIN) === path;
      },
    ),
    RUNS,
  );
  t.pass('property held');
});

/** Cookie names that look like ours without being ours, and values of RFC 6265 cookie-octets (incl. '='). */
const cookieName = fc.constantFrom(SESSION_COOKIE, 'a', `x${SESSION_COOKIE}`, `${SESSION_COOKIE}x`, '__Host-hic-csrf', 'hic-session');
const cookieValue = fc.stringMatching(/^[!#-+\--:<-[\]-~]{0,20}$/);

t.test('cookie reader: finds exactly the first cookie of that name, never a look-alike', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(cookieName, cookieValue), { maxLength: 8 }), fc.constantFrom('; ', ';'), (pairs, sep) => {
      const header = pairs.map(([n, v]) => `${n}=${v}`).join(sep);
      const expected = pairs.find(([n]) => n === SESSION_COOKIE)?.[1] ?? null;
      return readCookie(header, SESSION_COOKIE) === expected;
    }),
    RUNS,
  );
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (header) => {
      const found = readCookie(header, SESSION_COOKIE);
      return found === null || header.includes(found);
    }),
    RUNS,
  );
  t.pass('properties held');
});

const v4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
const v6 = (n: bigint) => Array.from({ length: 8 }, (_, i) => ((n >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
const inside = (addr: bigint, net: bigint, prefix: number, bits: number) =>
  prefix === 0 || addr >> BigInt(bits - prefix) === net >> BigInt(bits - prefix);

t.test('CIDR matcher agrees with bit arithmetic (IPv4, IPv6, IPv4-mapped) and never throws on text', async (t) => {
  const u32 = fc.bigInt(0n, 2n ** 32n - 1n);
  fc.assert(
    fc.property(u32, u32, fc.integer({ min: 0, max: 32 }), (addr, net, prefix) => {
      const set = new NetworkSet([`${v4(net)}/${prefix}`]);
      const want = inside(addr, net, prefix, 32);
      return set.has(v4(addr)) === want && set.has(`::ffff:${v4(addr)}`) === want;
    }),
    RUNS,
  );
  const u128 = fc.bigInt(0n, 2n ** 128n - 1n);
  fc.assert(
    fc.property(
      u128,
      u128,
      fc.integer({ min: 0, max: 128 }),
      (addr, net, prefix) => new NetworkSet([`${v6(net)}/${prefix}`]).has(v6(addr)) === inside(addr, net, prefix, 128),
    ),
    RUNS,
  );
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (text) => {
      const parsed = parseCidr(text);
      return parsed === null || (parsed.prefix >= 0 && parsed.prefix <= (parsed.family === 'ipv4' ? 32 : 128));
    }),
    RUNS,
  );
  t.pass('properties held');
});

/** A configuration that validates (files are not checked here). */
const VALID = {
  mode: 'test',
  server: { host: '127.0.0.1', port: 8443, trustedProxies: ['10.0.0.5/32'], staffNetworks: ['192.168.10.0/24'] },
  tls: { certFile: '/x/c.pem', keyFile: '/x/k.pem', caFile: '/x/ca.pem' },
  store: { kind: 'redis', url: 'redis://127.0.0.1:6379', prefix: 'hic:' },
  session: { idleTimeoutSeconds: 1200 },
  audit: { dir: '/x/audit' },
  projects: [{ id: 'study-001', upstream: 'http://10.1.0.11:8888', networks: ['203.0.113.0/28'] }],
};
const KEYS = [
  'mode',
  'server',
  'server.port',
  'server.host',
  'server.trustedProxies',
  'server.publicOrigin',
  'tls',
  'tls.caFile',
  'store',
  'store.kind',
  'store.url',
  'session',
  'session.idleTimeoutSeconds',
  'audit',
  'audit.dir',
  'projects',
  'alerts',
  'secrets',
  'nonsense',
];

/** True when the error is the typed config error and every problem names a key (`key: what is wrong`). */
function typedAndNamed(err: unknown, section?: string): boolean {
  if (!(err instanceof ConfigError) || err.code !== 'CONFIG_INVALID' || err.problems.length === 0) return false;
  if (!err.problems.every((p) => /^(?:[A-Za-z0-9_.()-]+|(?:[A-Za-z0-9_.-]+\.)?"(?:[^"\\]|\\.)*"): \S/.test(p))) return false;
  return section === undefined || err.problems.some((p) => p.startsWith(section));
}

t.test('config loader: arbitrary input gives a config or the typed error naming keys, nothing else', async (t) => {
  t.doesNotThrow(() => validateConfig(VALID, { checkFiles: false }), 'the base is valid');
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 3 }), (raw) => {
      try {
        validateConfig(raw, { checkFiles: false });
        return true;
      } catch (err) {
        return typedAndNamed(err);
      }
    }),
    RUNS,
  );
  fc.assert(
    fc.property(fc.constantFrom(...KEYS), fc.jsonValue({ maxDepth: 2 }), (key, value) => {
      const raw: any = structuredClone(VALID);
      const path = key.split('.');
      let at = raw;
      for (const p of path.slice(0, -1)) at = at[p];
      at[path.at(-1)!] = value;
      try {
        validateConfig(raw, { checkFiles: false });
        return true;
      } catch (err) {
        return typedAndNamed(err, path[0]);
      }
    }),
    RUNS,
  );
  const dir = mkdtempSync(join(tmpdir(), 'hic-prop-cfg-'));
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 120 }), (text) => {
      const file = join(dir, 'c.yaml');
      writeFileSync(file, text);
      try {
        loadConfig(file, {});
        return true;
      } catch (err) {
        return typedAndNamed(err);
      }
    }),
    { ...RUNS, numRuns: 200 },
  );
  t.pass('properties held');
});
