import t, { type Test } from 'tap';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { safeNext } from '../../gateway/http/next-target.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';
import type { TerminalClient } from '../helpers/client.js';

/**
 * Issue 11 item 1, open redirect after login: `/_hic/login?next=/%09/evil.example/` led, after the full password +
 * TOTP flow, to `Location: /\t/evil.example/`, which browsers read as `https://evil.example/`. Every payload here goes
 * through both form steps over real TLS; the redirect must stay on the gateway.
 */
const pki = await makePki();
const cert = await pki.terminal('or-1');
const gw = await startTestGateway({ pki });
t.teardown(() => gw.close());
await gw.addTerminal('or-1', cert);
const user = await gw.addUser('olive');

/** Both form steps with `next` taken from the login page's query (the attacker's link); returns the final Location. */
async function loginVia(
  t: Test,
  gateway: TestGateway,
  c: TerminalClient,
  rawQueryNext: string,
): Promise<{ formNext: string; location: string }> {
  gateway.clock.advance(30_000); // a fresh TOTP time step each time (codes are accepted once)
  const form = await c.fetch(`/_hic/login?next=${rawQueryNext}`, { headers: { accept: 'text/html' } });
  t.equal(form.status, 200);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
  const formNext = /name="next" value="([^"]*)"/.exec(form.body)![1]!;
  // The browser posts back what the page holds; an attacker's own form could post anything, so post the raw value too.
  const step1 = await c.fetch('/_hic/login', {
    method: 'POST',
    body: `_csrf=${csrf}&next=${rawQueryNext}&username=olive&password=${encodeURIComponent(user.password)}`,
  });
  t.equal(step1.status, 303, 'password step accepted');
  const step2 = await c.fetch('/_hic/login/totp', {
    method: 'POST',
    body: `_csrf=${csrf}&code=${currentTotp(user.totpSecret, gateway.clock.now())}`,
  });
  t.equal(step2.status, 303, 'TOTP step accepted');
  return { formNext, location: String(step2.headers.location) };
}

const attacks: Array<[string, string]> = [
  ['the reported payload: an encoded tab', '/%09/evil.example/'],
  ['an encoded newline', '/%0a/evil.example/'],
  ['an encoded carriage return', '/%0d/evil.example/'],
  ['a raw tab (form-encoded)', encodeURIComponent('/\t/evil.example/')],
  ['a backslash', encodeURIComponent('/\\evil.example/')],
  ['an encoded backslash', '/%5cevil.example/'],
  ['a double-encoded backslash', encodeURIComponent('/%5cevil.example/')],
  ['protocol-relative', encodeURIComponent('//evil.example/')],
  ['absolute URL', encodeURIComponent('https://evil.example/')],
  ['dot segment that resolves to //', encodeURIComponent('/.//evil.example/')],
  ['javascript: URL', encodeURIComponent('javascript:alert(1)')],
  ['header injection', '/x%0d%0aSet-Cookie:%20a=b'],
  ['userinfo trick', encodeURIComponent('https://gateway.invalid@evil.example/')],
  ["the gateway's own pages", encodeURIComponent('/_hic/logout')],
];

for (const [name, payload] of attacks) {
  t.test(`open redirect: ${name} leads to /`, async (t) => {
    const c = gw.client(cert);
    const { formNext, location } = await loginVia(t, gw, c, payload);
    t.equal(formNext, '', 'the login page does not carry the payload (no wish: the start page)');
    t.equal(location, '/', "the final redirect stays on the gateway: an analyst's start page");
  });
}

t.test('a local path with query and fragment survives the full flow', async (t) => {
  const c = gw.client(cert);
  const { formNext, location } = await loginVia(t, gw, c, encodeURIComponent('/notebooks/a b.ipynb?kernel=py#cell-3'));
  t.equal(formNext, '/notebooks/a%20b.ipynb?kernel=py#cell-3');
  t.equal(location, '/notebooks/a%20b.ipynb?kernel=py#cell-3');
});

t.test('safeNext with a configured public origin accepts absolute URLs on it only', async (t) => {
  const origin = 'https://gateway.example.jp';
  t.equal(safeNext('https://gateway.example.jp/tree?x=1', origin), '/tree?x=1');
  t.equal(safeNext('https://gateway.example.jp:8443/tree', origin), '', 'another port is another origin');
  t.equal(safeNext('http://gateway.example.jp/tree', origin), '', 'another scheme is another origin');
  t.equal(safeNext('notebooks/x', origin), '/notebooks/x', 'a relative path resolves against the origin root');
  t.equal(safeNext(['/a'], origin), '', 'a repeated form field (array) is refused');
  t.equal(safeNext('/' + 'a'.repeat(3000), origin), '', 'overlong');
  t.equal(safeNext('/_hic/security/?since=24h', origin), '/_hic/security/?since=24h', 'a staff page survives the login');
  t.equal(safeNext('/_hic/api/session', origin), '', 'the API does not');
  t.equal(safeNext('/%5Fhic/security/', origin), '', 'nor a gateway path spelled with escapes');
});
