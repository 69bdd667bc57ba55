import t from 'tap';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { createAccount } from '../../gateway/admin/accounts.js';
import { GATEWAY_PAGE_HEADERS } from '../../gateway/http/security-headers.js';
import { startTestGateway } from '../helpers/gateway.js';
import { makePki } from '../helpers/pki.js';
import type { Reply, TerminalClient } from '../helpers/client.js';

/**
 * Attack suite, web (CSRF, clickjacking, CSP, reflected and stored XSS) over real TLS against a running gateway.
 * The lists of forms and JSON endpoints are checked against the gateway's own route table, so a new state-changing
 * route without a CSRF test here fails this file. (Open redirect: open-redirect.test.ts.)
 */
const pki = await makePki();
const gw = await startTestGateway({ pki, store: 'redis' });
t.teardown(() => gw.close());
const pc = await pki.terminal('web-pc');
const staffPc = await pki.terminal('web-staff');
await gw.addTerminal('web-pc', pc);
await gw.addTerminal('web-staff', staffPc, []);
const alice = await gw.addUser('alice');
const boss = await gw.addUser('boss', ['admin', 'helpdesk', 'security'], null);
const rt = gw.gw.rt;

/** The administration and security-review forms, with a path to post to without a token (nothing may change). */
const ADMIN_AND_SECURITY_FORMS = [
  '/_hic/admin/projects',
  '/_hic/admin/projects/:id',
  '/_hic/admin/projects/:id/end',
  '/_hic/admin/accounts',
  '/_hic/admin/accounts/:username/suspend',
  '/_hic/admin/accounts/:username/resume',
  '/_hic/admin/terminals',
  '/_hic/admin/terminals/:id/bundle',
  '/_hic/admin/terminals/:id/revoke',
  '/_hic/security/alerts/ack',
  '/_hic/security/users/:username/suspend',
  '/_hic/security/users/:username/resume',
  '/_hic/security/projects/:id/suspend',
  '/_hic/security/projects/:id/resume',
];
/** The form handlers (pages scope) and the JSON API endpoints that change state. */
const FORMS = [
  '/_hic/login',
  '/_hic/login/totp',
  '/_hic/logout',
  '/_hic/password',
  '/_hic/enrol',
  '/_hic/reset',
  '/_hic/helpdesk/users/:username/unlock',
  '/_hic/helpdesk/users/:username/reset',
  // Issue 12 (reviewed transfers): CSRF-tested in tests/browser/transfers.test.ts and below.
  '/_hic/exports/new',
  '/_hic/review/:id',
  // Issue 13 items 3–4 (security console review, administration pages): CSRF-tested below.
  ...ADMIN_AND_SECURITY_FORMS,
];
const JSON_ENDPOINTS = [
  'DELETE /_hic/api/session',
  'POST /_hic/api/session',
  'POST /_hic/api/session/activity',
  'POST /_hic/api/password',
  'POST /_hic/api/reset',
  'POST /_hic/api/totp/enrolment',
  'POST /_hic/api/totp/enrolment/confirm',
  'POST /_hic/api/users',
  'POST /_hic/api/users/:username/unlock',
  'POST /_hic/api/users/:username/reset',
  'POST /_hic/api/users/:username/reset/approve',
  'POST /_hic/api/users/:username/resume',
  'POST /_hic/api/users/:username/suspend',
  'POST /_hic/api/projects',
  'POST /_hic/api/projects/:id/end',
  'POST /_hic/api/projects/:id/suspend',
  'POST /_hic/api/projects/:id/resume',
  'POST /_hic/api/ca/terminals',
  'POST /_hic/api/ca/terminals/:id/renew',
  'POST /_hic/api/ca/revocations',
  'POST /_hic/api/ca/crl',
  'POST /_hic/api/audit/search',
  'POST /_hic/api/audit/sessions',
  'POST /_hic/api/exports',
  'POST /_hic/api/imports/rescan',
  'POST /_hic/api/transfers/:id/approve',
  'POST /_hic/api/transfers/:id/reject',
];
/** The one multipart endpoint (issue 12's contract: an import is a file upload); cross-site is refused below. */
const MULTIPART_ENDPOINTS = ['POST /_hic/api/imports'];

/** `METHOD /path` for every route Fastify knows, read from its route tree. */
function routeTable(): string[] {
  const out: string[] = [];
  const parents: string[] = [];
  for (const line of gw.gw.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line.trimEnd());
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const path = (depth > 0 ? parents[depth - 1]! : '') + m[2]!;
    parents[depth] = path;
    for (const method of (m[3] ?? '').split(', ').filter(Boolean)) out.push(`${method} ${path}`);
  }
  return out;
}

const csrfOf = (r: Reply): string => /name="_csrf" value="([^"]+)"/.exec(r.body)![1]!;
async function formSession(cert = pc, user = 'alice', creds = alice): Promise<TerminalClient> {
  gw.clock.advance(30_000);
  const c = gw.client(cert);
  if ((await gw.login(c, user, creds)) !== 201) throw new Error('login failed');
  return c;
}

t.test('the lists below cover every state-changing gateway route', async (t) => {
  const changing = routeTable().filter((r) => /^(POST|PUT|PATCH|DELETE) \/_hic\//.test(r));
  t.same(
    changing
      .filter((r) => !r.startsWith('POST /_hic/api/') && !r.startsWith('DELETE /_hic/api/'))
      .map((r) => r.slice(5))
      .sort(),
    [...FORMS].sort(),
    'forms',
  );
  t.same(changing.filter((r) => r.includes(' /_hic/api/')).sort(), [...JSON_ENDPOINTS, ...MULTIPART_ENDPOINTS].sort(), 'JSON endpoints');
});

t.test('CSRF, JSON endpoints: every content type a cross-site form can send is refused with 415 before any handler', async (t) => {
  const c = await formSession(staffPc, 'boss', boss);
  const bodies: Array<[string, string]> = [
    ['application/x-www-form-urlencoded', 'reason=x&username=alice'],
    ['multipart/form-data; boundary=XyZ', '--XyZ\r\nContent-Disposition: form-data; name="reason"\r\n\r\nx\r\n--XyZ--\r\n'],
    ['text/plain', '{"reason":"x","username":"alice"}'],
  ];
  for (const route of JSON_ENDPOINTS) {
    const [method, template] = route.split(' ') as [string, string];
    const path = template.replace(':username', 'alice').replace(':id', 'alpha');
    for (const [type, body] of bodies) {
      // Content-Length: Node's client frames a DELETE body only when told its length. Connection: close: a 415
      // leaves the body unread, so the server closes the connection after it (no keep-alive reuse race).
      const headers = {
        'content-type': type,
        'content-length': String(Buffer.byteLength(body)),
        origin: 'https://evil.example',
        connection: 'close',
      };
      const r = await c.fetch(path, { method, headers, body });
      t.same(
        [r.status, r.json()],
        [415, { error: 'UNSUPPORTED_MEDIA_TYPE', message: 'This endpoint accepts application/json only.' }],
        `${route} as ${type.split(';')[0]}`,
      );
      t.equal(r.headers['access-control-allow-origin'], undefined, 'and no CORS grant');
    }
  }
  t.equal((await c.fetch('/_hic/api/session')).status, 200, 'the session was not ended by the forged DELETE');
  t.equal((await rt.stores.accounts.get('alice'))!.status, 'active', 'alice was not suspended');
  t.notOk(
    (await gw.auditLines()).some((l) => l.event === 'staff-action' && l.by === 'boss'),
    'no staff action ran',
  );
});

t.test('CSRF, the multipart import endpoint: a cross-site form is refused and creates nothing', async (t) => {
  const c = await formSession();
  const body =
    '--XyZ\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nx\r\n--XyZ\r\nContent-Disposition: form-data; name="target"\r\n\r\nx.csv\r\n--XyZ\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n\r\na,b\r\n--XyZ--\r\n';
  const crossSite: Array<Record<string, string>> = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }];
  for (const headers of crossSite) {
    const r = await c.fetch('/_hic/api/imports', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=XyZ', connection: 'close', ...headers },
      body,
    });
    t.equal(r.status, 403, `refused: ${JSON.stringify(headers)}`);
  }
  t.same(await rt.stores.transfers.list(), [], 'no import request was made');
});

t.test('CSRF, forms: no token, a wrong token, or a cross-site fetch with the right token is refused and changes nothing', async (t) => {
  // Login: correct credentials without the token do not start a login.
  const c = gw.client(pc);
  const token = csrfOf(await c.fetch('/_hic/login', { headers: { accept: 'text/html' } }));
  const creds = `username=alice&password=${encodeURIComponent(alice.password)}`;
  for (const [name, body, headers] of [
    ['no token', creds, {}],
    ['wrong token', `_csrf=${'A'.repeat(32)}&${creds}`, {}],
    ['cross-site', `_csrf=${token}&${creds}`, { 'sec-fetch-site': 'cross-site' }],
  ] as const) {
    const r = await c.fetch('/_hic/login', { method: 'POST', body, headers });
    t.equal(r.status, 403, `login, ${name}`);
    t.notOk(c.cookies.has('__Host-hic-login'), `login, ${name}: no login transaction`);
  }
  // TOTP step: after a genuine password step, the right code without the token does not log in.
  gw.clock.advance(30_000);
  t.equal((await c.fetch('/_hic/login', { method: 'POST', body: `_csrf=${token}&${creds}` })).status, 303);
  const code = currentTotp(alice.totpSecret, gw.clock.now());
  t.equal((await c.fetch('/_hic/login/totp', { method: 'POST', body: `code=${code}` })).status, 403, 'totp, no token');
  t.notOk(c.cookies.has('__Host-hic-session'), 'totp: no session');

  // Logout and password change with a live session.
  const s = await formSession();
  t.equal((await s.fetch('/_hic/logout', { method: 'POST', body: '' })).status, 403, 'logout, no token');
  t.equal((await s.fetch('/_hic/api/session')).status, 200, 'still logged in');
  const hashBefore = (await rt.stores.accounts.get('alice'))!.passwordHash;
  const change = `current=${encodeURIComponent(alice.password)}&next=New%23Passw0rd-2026&confirm=New%23Passw0rd-2026`;
  t.equal((await s.fetch('/_hic/password', { method: 'POST', body: change })).status, 403, 'password, no token');
  t.equal((await rt.stores.accounts.get('alice'))!.passwordHash, hashBefore, 'password unchanged');

  // Enrolment: the right code without the token does not complete it.
  const fresh = await createAccount(rt, { username: 'newbie', roles: ['analyst'], project: 'alpha', initial: false, enrolTotp: false });
  const e = gw.client(pc);
  t.equal((await e.fetch('/_hic/api/session', { method: 'POST', body: { username: 'newbie', password: fresh.password } })).status, 201);
  const offer = (await e.fetch('/_hic/api/totp/enrolment', { method: 'POST', body: {} })).json();
  const enrol = await e.fetch('/_hic/enrol', { method: 'POST', body: `code=${currentTotp(offer.secret, gw.clock.now())}` });
  t.not(enrol.status, 303, 'enrol, no token: not completed');
  t.equal((await rt.stores.accounts.get('newbie'))!.totpEnrolled, false, 'not enrolled');

  // The helpdesk screen's forms (unlock, start a reset), as a logged-in helpdesk user.
  const hd = await formSession(staffPc, 'boss', boss);
  await rt.stores.accounts.put({ ...(await rt.stores.accounts.get('alice'))!, lockedAt: gw.clock.now() });
  for (const action of ['unlock', 'reset']) {
    const r = await hd.fetch(`/_hic/helpdesk/users/alice/${action}`, {
      method: 'POST',
      body: 'verifiedBy=boss&method=phone&document=card',
    });
    t.equal(r.status, 403, `helpdesk ${action}, no token`);
  }
  t.not((await rt.stores.accounts.get('alice'))!.lockedAt, null, 'alice still locked: nothing ran');
  await rt.stores.accounts.put({ ...(await rt.stores.accounts.get('alice'))!, lockedAt: null });

  // The administration and security-review forms: each refused without the token, nothing changed.
  const fill = (route: string) => route.replace(':username', 'alice').replace(':id', route.includes('projects') ? 'alpha' : 'web-pc');
  const body =
    'id=x-csrf&username=x-csrf&roles=admin&terminal=x-csrf&site=s&upstream=http%3A%2F%2F10.0.0.1&networks=10.0.0.0%2F8&reason=keyCompromise&confirm=1&alert=a%2F2026-01-01.jsonl%3A1&token=x';
  for (const route of ADMIN_AND_SECURITY_FORMS) {
    const r = await hd.fetch(fill(route), { method: 'POST', body, headers: { accept: 'text/html' } });
    t.equal(r.status, 403, `${route}, no token`);
  }
  t.equal((await rt.stores.accounts.get('alice'))!.status, 'active', 'alice not suspended');
  t.equal(await rt.stores.accounts.get('x-csrf'), null, 'no account added');
  t.equal(await rt.stores.projects.get('x-csrf'), null, 'no project added');
  t.equal((await rt.stores.projects.get('alpha'))!.status, 'active', 'alpha not ended');
  t.equal((await rt.stores.projects.get('alpha'))!.suspension, undefined, 'alpha not suspended');
  t.equal((await rt.stores.terminals.get('web-pc'))!.status, 'active', 'web-pc not revoked');
  t.equal(await rt.stores.terminals.get('x-csrf'), null, 'no terminal issued');

  // Reset completion.
  t.equal(
    (await gw.client(pc).fetch('/_hic/reset', { method: 'POST', body: 'username=alice&code=x&totp=1&next=y' })).status,
    403,
    'reset, no token',
  );
});

t.test('clickjacking and CSP: every gateway page forbids framing and inline script', async (t) => {
  const s = await formSession();
  const security = await formSession(staffPc, 'boss', boss);
  const loginTx = gw.client(pc);
  const token = csrfOf(await loginTx.fetch('/_hic/login', { headers: { accept: 'text/html' } }));
  gw.clock.advance(30_000);
  await loginTx.fetch('/_hic/login', {
    method: 'POST',
    body: `_csrf=${token}&username=alice&password=${encodeURIComponent(alice.password)}`,
  });
  const pages: Array<[string, TerminalClient, string, number]> = [
    ['login', gw.client(pc), '/_hic/login', 200],
    ['login (English)', gw.client(pc), '/_hic/login?lang=en', 200],
    ['TOTP step', loginTx, '/_hic/login/totp', 200],
    ['logout', s, '/_hic/logout', 200],
    ['password', s, '/_hic/password', 200],
    ['reset', gw.client(pc), '/_hic/reset', 200],
    ['security console', security, '/_hic/security/', 200],
    ['security console with a chart', security, '/_hic/security/?since=24h', 200],
    ['alerts', security, '/_hic/security/alerts', 200],
    ['sessions', security, '/_hic/security/sessions?user=alice', 200],
    ['account (security)', security, '/_hic/security/users/alice', 200],
    ['projects (security)', security, '/_hic/security/projects', 200],
    ['project (security)', security, '/_hic/security/projects/alpha', 200],
    ['administration', security, '/_hic/admin/', 200],
    ['projects', security, '/_hic/admin/projects', 200],
    ['accounts', security, '/_hic/admin/accounts/alice', 200],
    ['terminals', security, '/_hic/admin/terminals', 200],
    ['no-certificate refusal page', gw.client(), '/_hic/login', 403],
  ];
  for (const [name, c, path, status] of pages) {
    const r = await c.fetch(path, { headers: { accept: 'text/html' } });
    t.equal(r.status, status, name);
    t.equal(r.headers['content-security-policy'], GATEWAY_PAGE_HEADERS['content-security-policy'], `${name}: the strict CSP`);
    t.match(r.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
    t.notMatch(r.headers['content-security-policy'] as string, /unsafe-inline|unsafe-eval/);
    t.equal(r.headers['x-frame-options'], 'DENY', `${name}: no framing`);
    t.equal(r.headers['x-content-type-options'], 'nosniff');
    t.notMatch(r.body, /<script(?![^>]*\ssrc=)|\son[a-z]+=|\sstyle=|javascript:/i, `${name}: no inline script, handler or style`);
  }
});

t.test('reflected and stored XSS: every echoed field is escaped', async (t) => {
  const payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
  const login = await gw.client(pc).fetch(`/_hic/login?next=${encodeURIComponent(`/${payload}`)}&lang=${encodeURIComponent(payload)}`, {
    headers: { accept: 'text/html' },
  });
  t.equal(login.status, 200);
  t.notMatch(login.body, /<script>alert|<img src=x/, 'login page: next and lang');
  t.match(
    login.body,
    /name="next" value="\/%22%3E%3Cscript%3Ealert\(1\)%3C\/script%3E%3Cimg%20src=x%20onerror=alert\(2\)%3E"/,
    'next is carried percent-encoded',
  );

  // Stored: a failed login under a hostile user name, then the security console shows it.
  gw.clock.advance(30_000);
  await gw.client(pc).fetch('/_hic/api/session', { method: 'POST', body: { username: payload.slice(0, 60), password: 'x', totp: '1' } });
  const security = await formSession(staffPc, 'boss', boss);
  // The free-text fields of the console (project, event, decision and the dates are lists or date fields now).
  for (const field of ['user', 'terminal', 'address']) {
    const r = await security.fetch(`/_hic/security/?${field}=${encodeURIComponent(payload)}`, { headers: { accept: 'text/html' } });
    t.equal(r.status, 200, field);
    t.notMatch(r.body, /<script>alert|<img src=x/, `console field ${field}: escaped`);
    t.match(r.body, /&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;/, `console field ${field}: shown as text`);
  }
  const events = await security.fetch(`/_hic/security/?event=login-failed&since=1h`, { headers: { accept: 'text/html' } });
  t.match(events.body, /&quot;&gt;&lt;script&gt;alert\(1\)/, 'the stored user name is listed as text');
  t.notMatch(events.body, /<script>alert|<img src=x/, 'and never as markup');
});
