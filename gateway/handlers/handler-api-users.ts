import type { FastifyInstance } from 'fastify';
import { createAccount } from '../admin/accounts.js';
import { HicError } from '../core/errors.js';
import { requireRole } from '../http/staff-auth.js';
import { addProject, endProject, requireProject, resumeProject, suspendProject } from '../projects/project-service.js';
import type { Runtime } from '../runtime.js';
import { gatewayAuthority } from '../terminals/ca-source.js';
import { ROLES, type Role } from '../stores/types.js';
import { publicAccount, requireAccount } from '../users/deps.js';
import { approveReset, startReset } from '../users/reset.js';
import { resumeUser, suspendUser } from '../users/suspension.js';
import { unlockUser } from '../users/unlock.js';

type UserParams = { Params: { username: string } };
type Evidence = { verifiedBy?: string; method?: string; document?: string; reference?: string; lostAuthenticator?: boolean };

const evidenceSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    properties: {
      verifiedBy: { type: 'string', maxLength: 64 },
      method: { type: 'string', maxLength: 200 },
      document: { type: 'string', maxLength: 200 },
      reference: { type: 'string', maxLength: 200 },
      lostAuthenticator: { type: 'boolean' },
    },
  },
} as const;
const reasonSchema = {
  body: {
    type: 'object',
    required: ['reason'],
    additionalProperties: false,
    properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
  },
} as const;

/**
 * Account and project administration over HTTP (AC-5): each endpoint names the roles that may call it; a call
 * outside the role is refused and audited (http/staff-auth.ts); every action is audited by the service.
 */
export function registerUsersApi(api: FastifyInstance, rt: Runtime): void {
  api.post<{ Body: { username: string; roles: Role[]; project?: string; displayName?: string } }>(
    '/_hic/api/users',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'roles'],
          properties: {
            username: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' },
            roles: { type: 'array', minItems: 1, items: { type: 'string', enum: [...ROLES] } },
            project: { type: 'string' },
            displayName: { type: 'string', maxLength: 100 },
          },
        },
      },
    },
    async (req, reply) => {
      const staff = await requireRole(rt, req, reply, ['admin'], 'user.add');
      if (!staff) return reply;
      const { username, roles, project, displayName } = req.body;
      if (roles.includes('analyst') && !project) throw new HicError('BAD_REQUEST', 'an analyst needs a project');
      if (project) await requireProject(rt, project);
      const created = await createAccount(rt, {
        username,
        roles,
        project: project ?? null,
        ...(displayName ? { displayName } : {}),
        initial: true,
      });
      await rt.audit.security({
        event: 'staff-action',
        action: 'user.add',
        by: staff.user,
        user: username,
        roles,
        project: project ?? null,
      });
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ user: publicAccount(created.account), initialPassword: created.password });
    },
  );

  api.get<UserParams>('/_hic/api/users/:username', async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['helpdesk', 'security', 'admin'], 'user.show');
    if (!staff) return reply;
    const account = await requireAccount(rt, req.params.username);
    await rt.audit.security({ event: 'staff-action', action: 'user.show', by: staff.user, user: account.username });
    return reply.header('cache-control', 'no-store').send(publicAccount(account));
  });

  api.post<UserParams & { Body: Evidence }>('/_hic/api/users/:username/unlock', { schema: evidenceSchema }, async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['helpdesk'], 'user.unlock');
    if (!staff) return reply;
    await unlockUser(rt, req.params.username, req.body ?? {}, staff.user);
    return reply.send({ ok: true, user: req.params.username, unlocked: true });
  });

  api.post<UserParams & { Body: Evidence }>('/_hic/api/users/:username/reset', { schema: evidenceSchema }, async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['helpdesk'], 'user.reset');
    if (!staff) return reply;
    const started = await startReset(rt, req.params.username, req.body ?? {}, staff.user, {
      lostAuthenticator: req.body?.lostAuthenticator === true,
    });
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send({ ok: true, user: req.params.username, ...started });
  });

  api.post<UserParams>('/_hic/api/users/:username/reset/approve', async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['admin'], 'user.reset.approve');
    if (!staff) return reply;
    await approveReset(rt, req.params.username, staff.user);
    return reply.send({ ok: true, user: req.params.username, approvedBy: staff.user });
  });

  api.post<UserParams & { Body: { reason: string } }>('/_hic/api/users/:username/suspend', { schema: reasonSchema }, async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['security', 'admin'], 'user.suspend');
    if (!staff) return reply;
    const ended = await suspendUser(rt, req.params.username, req.body.reason, staff.user);
    return reply.send({ ok: true, user: req.params.username, status: 'suspended', sessionsEnded: ended });
  });

  api.post<UserParams & { Body: { reason: string } }>('/_hic/api/users/:username/resume', { schema: reasonSchema }, async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['security', 'admin'], 'user.resume');
    if (!staff) return reply;
    await resumeUser(rt, req.params.username, req.body.reason, staff.user);
    return reply.send({ ok: true, user: req.params.username, status: 'active' });
  });

  type ProjectBody = {
    id: string;
    name?: string;
    upstream: string;
    networks: string[];
    pollingPaths?: string[];
    profile?: string;
    startsAt?: string;
    endsAt?: string;
  };
  api.post<{ Body: ProjectBody }>(
    '/_hic/api/projects',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'upstream', 'networks'],
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            upstream: { type: 'string' },
            networks: { type: 'array', items: { type: 'string' } },
            pollingPaths: { type: 'array', items: { type: 'string' } },
            profile: { type: 'string' },
            startsAt: { type: 'string', format: 'date-time' },
            endsAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
    async (req, reply) => {
      const staff = await requireRole(rt, req, reply, ['admin'], 'project.add');
      if (!staff) return reply;
      const b = req.body;
      const project = await addProject(
        rt,
        {
          id: b.id,
          upstream: b.upstream,
          networks: b.networks,
          pollingPaths: b.pollingPaths ?? [],
          ...(b.name ? { name: b.name } : {}),
          ...(b.profile ? { profile: b.profile } : {}),
          startsAt: b.startsAt ? Date.parse(b.startsAt) : null,
          endsAt: b.endsAt ? Date.parse(b.endsAt) : null,
        },
        staff.user,
      );
      return reply.code(201).send(project);
    },
  );

  api.get<{ Params: { id: string } }>('/_hic/api/projects/:id', async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['admin', 'security', 'helpdesk'], 'project.show');
    if (!staff) return reply;
    return reply.send(await requireProject(rt, req.params.id));
  });

  api.post<{ Params: { id: string } }>('/_hic/api/projects/:id/end', async (req, reply) => {
    const staff = await requireRole(rt, req, reply, ['admin'], 'project.end');
    if (!staff) return reply;
    return reply.send({
      ok: true,
      project: req.params.id,
      status: 'ended',
      ...(await endProject(rt, req.params.id, staff.user, await gatewayAuthority(rt))),
    });
  });

  api.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/_hic/api/projects/:id/suspend',
    { schema: reasonSchema },
    async (req, reply) => {
      const staff = await requireRole(rt, req, reply, ['security', 'admin'], 'project.suspend');
      if (!staff) return reply;
      return reply.send({
        ok: true,
        project: req.params.id,
        suspended: await suspendProject(rt, req.params.id, req.body.reason, staff.user),
      });
    },
  );

  api.post<{ Params: { id: string }; Body: { reason: string } }>(
    '/_hic/api/projects/:id/resume',
    { schema: reasonSchema },
    async (req, reply) => {
      const staff = await requireRole(rt, req, reply, ['security', 'admin'], 'project.resume');
      if (!staff) return reply;
      return reply.send({ ok: true, project: req.params.id, ...(await resumeProject(rt, req.params.id, req.body.reason, staff.user)) });
    },
  );
}
