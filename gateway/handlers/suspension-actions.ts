import type { FastifyInstance, FastifyReply } from 'fastify';
import { isHicError } from '../core/errors.js';
import { audited } from '../http/audited.js';
import { requireStaffForm, seeOther, type StaffForm } from '../http/staff-form.js';
import { text } from '../pages/i18n.js';
import { notice } from '../pages/layout.js';
import { S } from '../pages/suspension-views.js';
import type { Runtime } from '../runtime.js';
import type { Role } from '../stores/types.js';
import { resumeUser, suspendUser } from '../users/suspension.js';

type Params = { Params: { username: string }; Body: { reason?: string } };

/** How an area shows an account again after a refused form (its own page, with the message on top). */
export type ShowAccount = (reply: FastifyReply, f: StaffForm, username: string, status: number, message: string) => Promise<FastifyReply>;

/**
 * The suspend and resume forms' POSTs under `<accountsPath>/:username/` for one area (security console,
 * administration), each authorised by role, CSRF-checked and needing a reason; the suspension service ends every
 * session at once and audits `user.suspend` / `user.resume` with the operator and the reason (LOG-6).
 */
export function registerSuspensionActions(
  app: FastifyInstance,
  rt: Runtime,
  accountsPath: string,
  roles: readonly Role[],
  show: ShowAccount,
): void {
  const run =
    (kind: 'suspend' | 'resume') =>
    async (req: { params: Params['Params']; body: Params['Body'] | undefined; method: string }, reply: FastifyReply, f: StaffForm) => {
      const { username } = req.params;
      if (!f.csrfOk) return show(reply, f, username, 403, notice('error', text.csrf[f.lang]));
      const reason = String(req.body?.reason ?? '')
        .trim()
        .slice(0, 500);
      if (reason === '') return show(reply, f, username, 422, notice('error', S.needReason[f.lang]));
      try {
        await audited<unknown>(rt, f.staff, `user.${kind}`, { user: username, reason, via: accountsPath }, () =>
          kind === 'suspend' ? suspendUser(rt, username, reason, f.staff.user) : resumeUser(rt, username, reason, f.staff.user),
        );
      } catch (err) {
        if (isHicError(err) && err.status < 500) return show(reply, f, username, err.status, notice('error', err.detail ?? err.message));
        throw err;
      }
      return seeOther(reply, `${accountsPath}/${encodeURIComponent(username)}`, kind === 'suspend' ? 'suspended' : 'resumed');
    };
  for (const kind of ['suspend', 'resume'] as const) {
    app.post<Params>(`${accountsPath}/:username/${kind}`, async (req, reply) => {
      const f = await requireStaffForm(rt, req, reply, roles, `user.${kind}`);
      if (!f) return reply;
      return run(kind)(req, reply, f);
    });
  }
}
