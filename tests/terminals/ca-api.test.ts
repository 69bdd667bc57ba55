import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { createCsr, initAuthority } from '../../ca/index.js';
import { readAuditLines } from '../../gateway/audit/index.js';
import { openssl, tempDir } from '../ca/helpers.js';
import { waitFor } from '../ca-cli/helpers.js';
import { pkiOn } from '../helpers/pki.js';
import { startTestGateway } from '../helpers/gateway.js';
import { gatewayLedgerDeps } from '../../gateway/terminals/ca-source.js';
import { CRL_REFRESH_MS, enrolTerminal, renewTerminal, revokedEntries, revokeTerminal } from '../../gateway/terminals/index.js';

/**
 * The CA and the terminal register in the staff API (AC-5, HIC GL 第5-4-ii-② / 第5-1): admin only, a refusal is
 * audited, every operation is audited; an admin revokes a terminal and its open connection is cut at once.
 */
const stateDir = tempDir(t);
const pki = await pkiOn(await initAuthority(join(stateDir, 'ca')), stateDir);
const gw = await startTestGateway({ pki, stateDir });
t.teardown(() => gw.close());
const adminCert = await pki.terminal('t-admin');
await gw.addTerminal('t-admin', adminCert, []); // a staff terminal: no project, staff network
const anaCert = await pki.terminal('t-ana');
await gw.addTerminal('t-ana', anaCert);
const admin = gw.client(adminCert);
const ana = gw.client(anaCert);
// Plain checks, not assertions: a top-level assertion followed by more awaits would let tap end the root test.
if ((await gw.login(admin, 'boss', await gw.addUser('boss', ['admin'], null))) !== 201) throw new Error('admin login failed');
if ((await gw.login(ana, 'ana', await gw.addUser('ana'))) !== 201) throw new Error('analyst login failed');

async function audited(where: Record<string, string>): Promise<Record<string, unknown>[]> {
  const found = [];
  for await (const line of readAuditLines(join(gw.dir, 'audit'), { kind: 'security', where })) found.push(line.entry);
  return found;
}

t.test('a non-admin session gets 403 and the refusal is audited; no session gets 401', async (t) => {
  const list = await ana.fetch('/_hic/api/ca/terminals');
  t.equal(list.status, 403);
  t.equal(list.json().error, 'FORBIDDEN');
  const revoke = await ana.fetch('/_hic/api/ca/revocations', { method: 'POST', body: { terminal: 't-admin', reason: 'keyCompromise' } });
  t.equal(revoke.status, 403);
  t.equal((await gw.client(anaCert).fetch('/_hic/api/ca/terminals')).status, 401);
  const refusals = await audited({ event: 'staff-action-refused', by: 'ana' });
  t.same(refusals.map((e) => e.action).sort(), ['ca.list', 'ca.revoke']);
  t.equal((await gw.gw.rt.stores.terminals.get('t-admin'))?.status, 'active', 'nothing revoked');
});

t.test('an admin issues (PKCS#12 and CSR), lists and renews; bad input gets a precise error', async (t) => {
  const p12 = await admin.fetch('/_hic/api/ca/terminals', {
    method: 'POST',
    body: { terminal: 'api-p12', site: 'lab', projects: ['alpha'] },
  });
  t.equal(p12.status, 201, p12.body);
  const bundle = join(stateDir, 'api-p12.p12');
  writeFileSync(bundle, Buffer.from(p12.json().p12Base64, 'base64'));
  t.equal(
    openssl(['pkcs12', '-in', bundle, '-passin', `pass:${p12.json().p12Password}`, '-nokeys', '-noout']).status,
    0,
    'bundle opens with the returned password',
  );
  t.equal(p12.headers['cache-control'], 'no-store');
  const dup = await admin.fetch('/_hic/api/ca/terminals', { method: 'POST', body: { terminal: 'api-p12', site: 'lab' } });
  t.equal(dup.status, 409);
  t.same(dup.json(), { error: 'CONFLICT', message: 'terminal api-p12 is already registered' });
  const weak = await admin.fetch('/_hic/api/ca/terminals', {
    method: 'POST',
    body: { terminal: 'api-weak', site: 'lab', csr: createCsr({ commonName: 'w', bits: 1024 }).csrPem },
  });
  t.equal(weak.status, 400);
  t.match(weak.json().message, /1024 bits; at least 2048/);
  const badId = await admin.fetch('/_hic/api/ca/terminals', { method: 'POST', body: { terminal: '../etc', site: 'lab' } });
  t.equal(badId.status, 400);
  t.match(badId.json().message, /invalid terminal id/);
  const project = await admin.fetch('/_hic/api/ca/terminals', {
    method: 'POST',
    body: { terminal: 'api-x', site: 'lab', projects: ['nope'] },
  });
  t.equal(project.status, 404);
  const csr = await admin.fetch('/_hic/api/ca/terminals', {
    method: 'POST',
    body: { terminal: 'api-csr', site: 'lab', projects: ['alpha'], csr: createCsr({ commonName: 'c' }).csrPem },
  });
  t.equal(csr.status, 201);
  const certFile = join(stateDir, 'api-csr.pem');
  writeFileSync(certFile, csr.json().certificate.certPem);
  t.equal(openssl(['verify', '-CAfile', join(stateDir, 'ca', 'ca-bundle.pem'), '-purpose', 'sslclient', certFile]).status, 0);
  t.equal(csr.json().p12Base64, undefined, 'no key travels for a CSR');

  const list = await admin.fetch('/_hic/api/ca/terminals?status=active&expiringWithinDays=400');
  t.equal(list.status, 200);
  t.ok(list.json().terminals.some((v: { id: string }) => v.id === 'api-csr'));
  const renewed = await admin.fetch('/_hic/api/ca/terminals/api-p12/renew', { method: 'POST', body: {} });
  t.equal(renewed.status, 200);
  t.equal(renewed.json().previousSerial, p12.json().terminal.serial);
  t.same(
    renewed.json().terminal.certificates.map((c: { status: string }) => c.status),
    ['superseded', 'current'],
  );
  const actions = (await audited({ event: 'staff-action', by: 'boss' })).map(
    (e) => `${e.action}${e.outcome === 'failed' ? ':failed' : ''}`,
  );
  for (const a of ['ca.issue-terminal', 'ca.issue-terminal:failed', 'ca.sign-csr', 'ca.sign-csr:failed', 'ca.list', 'ca.renew-terminal'])
    t.ok(actions.includes(a), `${a} audited`);
});

t.test('an admin revokes a terminal through the API: its open connection is cut and it is refused', async (t) => {
  t.equal((await ana.fetch('/', { headers: { accept: 'text/html' } })).status, 200, 'analyst working');
  t.ok(gw.gw.rt.connections.count(anaCert.fingerprint) >= 1, 'keep-alive connection(s) open with the terminal certificate');
  const res = await admin.fetch('/_hic/api/ca/revocations', {
    method: 'POST',
    body: { terminal: 't-ana', reason: 'privilegeWithdrawn', note: 'left the study' },
  });
  t.equal(res.status, 200, res.body);
  t.equal(res.json().sessionsEnded, 1);
  t.equal(res.json().terminal.status, 'revoked');
  t.type(res.json().crlNumber, 'number', 'CRL re-signed by this instance (it holds the CA)');
  t.ok(await waitFor(() => gw.gw.rt.connections.count(anaCert.fingerprint) === 0, 1_000), 'open connection destroyed');
  const refused = await gw.client(anaCert).fetch('/_hic/api/session');
  t.equal(refused.status, 403);
  t.equal(refused.json().reason, 'terminal-revoked');
  t.equal(
    (await admin.fetch('/_hic/api/ca/revocations', { method: 'POST', body: { terminal: 'nope', reason: 'keyCompromise' } })).status,
    404,
  );
  t.equal(
    (await admin.fetch('/_hic/api/ca/revocations', { method: 'POST', body: { terminal: 't-ana', reason: 'keyCompromise' } })).status,
    409,
  );
  t.equal(
    (await admin.fetch('/_hic/api/ca/revocations', { method: 'POST', body: { terminal: 'api-csr', reason: 'whatever' } })).status,
    400,
  );
  const both = await admin.fetch('/_hic/api/ca/revocations', {
    method: 'POST',
    body: { terminal: 'api-csr', serial: 'ab', reason: 'keyCompromise' },
  });
  t.equal(both.status, 400);
  t.match(both.json().message, /exactly one of a terminal id or a serial/);
  const unknownSerial = await admin.fetch('/_hic/api/ca/revocations', {
    method: 'POST',
    body: { serial: 'abcdef', reason: 'keyCompromise' },
  });
  t.equal(unknownSerial.status, 404);
  const revocations = await audited({ event: 'staff-action', action: 'ca.revoke', by: 'boss' });
  t.ok(
    revocations.some((e) => e.terminalId === 't-ana' && e.reason === 'privilegeWithdrawn' && e.outcome === undefined),
    'revocation audited',
  );

  const crl = await gw.client().fetch('/_hic/crl.pem');
  t.equal(crl.status, 200);
  const crlFile = join(stateDir, 'crl.pem');
  writeFileSync(crlFile, crl.body);
  const text = openssl(['crl', '-in', crlFile, '-noout', '-text']).stdout;
  t.match(text, new RegExp(anaCert.serial.toUpperCase()), 'the revoked certificate is on the served CRL');
});

t.test('a revocation racing a renewal wins: the renewal re-checks on compare-and-set and gives up', async (t) => {
  const deps = await gatewayLedgerDeps(gw.gw.rt);
  await enrolTerminal(deps, {
    terminalId: 'race',
    site: 'lab',
    projects: ['alpha'],
    csrPem: createCsr({ commonName: 'r' }).csrPem,
    by: 'test',
  });
  // The renewal spends its time making a key; the revocation lands meanwhile.
  const renewal = renewTerminal(deps, { terminalId: 'race', by: 'test' });
  await revokeTerminal(deps, { terminalId: 'race', reason: 'keyCompromise', by: 'test' });
  await t.rejects(renewal, { code: 'CONFLICT', message: /revoked meanwhile/ });
  const entry = (await gw.gw.rt.stores.terminals.get('race'))!;
  t.equal(entry.status, 'revoked', 'still revoked');
  t.equal(entry.certificates?.length, 1, 'no certificate was added');
});

t.test('CRL: entries revoked outside the CA commands are listed; a day-old CRL is re-signed when served', async (t) => {
  const legacy = (await gw.gw.rt.stores.terminals.get('api-csr'))!;
  // What gateway/projects/ does when a project ends: only the top-level status changes.
  await gw.gw.rt.stores.terminals.put({ ...legacy, status: 'revoked', revokedAt: gw.clock.now(), revocationReason: 'project-ended' });
  const entries = revokedEntries(await gw.gw.rt.stores.terminals.list());
  t.same(entries.find((e) => e.serial === legacy.serial)?.reason, 'cessationOfOperation');
  const first = await gw.client().fetch('/_hic/crl');
  gw.clock.advance(CRL_REFRESH_MS + 1_000);
  const second = await gw.client().fetch('/_hic/crl');
  t.not(second.headers.etag, first.headers.etag, 're-signed with a new cRLNumber');
  const crlFile = join(stateDir, 'crl2.pem');
  writeFileSync(crlFile, (await gw.client().fetch('/_hic/crl.pem')).body);
  t.match(
    openssl(['crl', '-in', crlFile, '-noout', '-text']).stdout,
    new RegExp(`${legacy.serial.toUpperCase()}[\\s\\S]*?Cessation Of Operation`),
  );
});
