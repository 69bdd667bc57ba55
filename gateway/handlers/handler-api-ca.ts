import type { FastifyInstance } from 'fastify';
import { audited } from '../http/audited.js';
import { auditStaffAction, requireRole } from '../http/staff-auth.js';
import type { Runtime } from '../runtime.js';
import { gatewayLedgerDeps } from '../terminals/ca-source.js';
import type { EnrolResult } from '../terminals/index.js';
import {
  auditFieldsOf,
  enrolTerminal,
  filterTerminals,
  findTerminal,
  publishCrl,
  renewTerminal,
  requireAuthority,
  revokeTerminal,
  terminalView,
  TERMINAL_REVOCATION_REASONS,
} from '../terminals/index.js';
import { registerCrl } from './handler-crl.js';

const DAY_MS = 86_400_000;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const PEM_MAX = 64 * 1024;

const issueSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['terminal', 'site'],
    properties: {
      terminal: text(64),
      site: text(64),
      projects: { type: 'array', maxItems: 50, items: text(63) },
      csr: text(PEM_MAX),
      validityDays: { type: 'integer', minimum: 1, maximum: 825 },
      requestedBy: text(64),
      note: text(500),
    },
  },
} as const;
const renewSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    properties: { csr: text(PEM_MAX), validityDays: { type: 'integer', minimum: 1, maximum: 825 }, note: text(500) },
  },
} as const;
const revokeSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['reason'],
    properties: {
      terminal: text(64),
      serial: text(64),
      reason: { type: 'string', enum: [...TERMINAL_REVOCATION_REASONS] },
      note: text(500),
    },
  },
} as const;
const listSchema = {
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      status: { type: 'string', enum: ['active', 'revoked'] },
      site: text(64),
      project: text(63),
      expiringWithinDays: { type: 'integer', minimum: 0, maximum: 3650 },
    },
  },
} as const;

type IssueBody = {
  terminal: string;
  site: string;
  projects?: string[];
  csr?: string;
  validityDays?: number;
  requestedBy?: string;
  note?: string;
};
type RenewBody = { csr?: string; validityDays?: number; note?: string };
type RevokeBody = { terminal?: string; serial?: string; reason: string; note?: string };
type ListQuery = { status?: 'active' | 'revoked'; site?: string; project?: string; expiringWithinDays?: number };

/** The answer for a new certificate: the PKCS#12 goes back base64 with its password, once, never cached. */
function issuedBody(rt: Runtime, result: EnrolResult) {
  const c = result.certificate;
  return {
    terminal: terminalView(result.terminal, rt.clock.now()),
    certificate: {
      serial: c.serial,
      fingerprint: c.fingerprint,
      subject: c.subject,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      certPem: c.certPem,
    },
    ...(result.p12 ? { p12Base64: result.p12.toString('base64'), p12Password: result.p12Password } : {}),
  };
}

/**
 * The built-in CA and the terminal register over HTTP for the admin role (HIC GL 第5-4-ii-②, 第5-1): the same
 * operations as `hic ca …`, each authorised (a refusal is audited by requireRole) and audited. Also registers the
 * public CRL distribution point.
 */
export function registerCaApi(app: FastifyInstance, rt: Runtime): void {
  registerCrl(app, rt);

  app.get<{ Querystring: ListQuery }>('/_hic/api/ca/terminals', { schema: listSchema }, async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['admin'], 'ca.list');
    if (!staff) return reply;
    const q = req.query;
    const now = rt.clock.now();
    const filter = {
      status: q.status,
      site: q.site,
      project: q.project,
      expiringWithinMs: q.expiringWithinDays === undefined ? undefined : q.expiringWithinDays * DAY_MS,
    };
    const terminals = filterTerminals(await rt.stores.terminals.list(), filter, now).map((t) => terminalView(t, now));
    await auditStaffAction(rt, staff, 'ca.list', { filter: q, count: terminals.length });
    return reply.header('cache-control', 'no-store').send({ terminals });
  });

  app.get<{ Params: { id: string } }>('/_hic/api/ca/terminals/:id', async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['admin'], 'ca.show');
    if (!staff) return reply;
    const terminal = await findTerminal(rt.stores, req.params.id);
    await auditStaffAction(rt, staff, 'ca.show', { terminalId: terminal.id });
    return reply.header('cache-control', 'no-store').send(terminalView(terminal, rt.clock.now()));
  });

  app.post<{ Body: IssueBody }>('/_hic/api/ca/terminals', { schema: issueSchema }, async (req, reply) => {
    const b = req.body;
    const action = b.csr === undefined ? 'ca.issue-terminal' : 'ca.sign-csr';
    const staff = await requireRole(rt, req, reply, ['admin'], action);
    if (!staff) return reply;
    const asked = { terminalId: b.terminal, site: b.site, projects: b.projects ?? [] };
    const result = await audited(rt, staff, action, asked, async () =>
      enrolTerminal(await gatewayLedgerDeps(rt), {
        terminalId: b.terminal,
        site: b.site,
        projects: b.projects ?? [],
        csrPem: b.csr,
        validityDays: b.validityDays,
        requestedBy: b.requestedBy,
        by: staff.user,
        note: b.note,
      }),
    );
    await auditStaffAction(rt, staff, action, { ...auditFieldsOf(result.terminal), requestedBy: result.terminal.requestedBy, via: 'api' });
    return reply.code(201).header('cache-control', 'no-store').send(issuedBody(rt, result));
  });

  app.post<{ Params: { id: string }; Body: RenewBody }>('/_hic/api/ca/terminals/:id/renew', { schema: renewSchema }, async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['admin'], 'ca.renew-terminal');
    if (!staff) return reply;
    const b = req.body ?? {};
    const result = await audited(rt, staff, 'ca.renew-terminal', { terminalId: req.params.id }, async () =>
      renewTerminal(await gatewayLedgerDeps(rt), {
        terminalId: req.params.id,
        csrPem: b.csr,
        validityDays: b.validityDays,
        by: staff.user,
        note: b.note,
      }),
    );
    await auditStaffAction(rt, staff, 'ca.renew-terminal', {
      ...auditFieldsOf(result.terminal),
      previousSerial: result.previous.serial,
      sessionsEnded: result.sessionsEnded,
      via: 'api',
    });
    return reply
      .header('cache-control', 'no-store')
      .send({ ...issuedBody(rt, result), previousSerial: result.previous.serial, sessionsEnded: result.sessionsEnded });
  });

  app.post<{ Body: RevokeBody }>('/_hic/api/ca/revocations', { schema: revokeSchema }, async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['admin'], 'ca.revoke');
    if (!staff) return reply;
    const b = req.body;
    const asked = { terminalId: b.terminal, serial: b.serial, reason: b.reason };
    const result = await audited(rt, staff, 'ca.revoke', asked, async () =>
      revokeTerminal(await gatewayLedgerDeps(rt), {
        terminalId: b.terminal,
        serial: b.serial,
        reason: b.reason,
        note: b.note,
        by: staff.user,
      }),
    );
    await auditStaffAction(rt, staff, 'ca.revoke', {
      ...auditFieldsOf(result.terminal),
      reason: b.reason,
      note: b.note,
      sessionsEnded: result.sessionsEnded,
      crlNumber: result.crl?.number ?? null,
      via: 'api',
    });
    return reply.header('cache-control', 'no-store').send({
      terminal: terminalView(result.terminal, rt.clock.now()),
      revokedSerial: result.certificate.serial,
      sessionsEnded: result.sessionsEnded,
      crlNumber: result.crl?.number ?? null,
    });
  });

  app.post('/_hic/api/ca/crl', async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['admin'], 'ca.crl');
    if (!staff) return reply;
    const crl = await audited(rt, staff, 'ca.crl', {}, async () => {
      const deps = await gatewayLedgerDeps(rt);
      return publishCrl({ stores: deps.stores, clock: deps.clock, authority: requireAuthority(deps) });
    });
    await auditStaffAction(rt, staff, 'ca.crl', { crlNumber: crl.number, entries: crl.entries, via: 'api' });
    return reply.header('cache-control', 'no-store').send({
      number: crl.number,
      thisUpdate: new Date(crl.thisUpdate).toISOString(),
      nextUpdate: new Date(crl.nextUpdate).toISOString(),
      entries: crl.entries,
    });
  });
}
