import { createAccount, USER_ID_PATTERN, USER_ID_RULE } from '../admin/accounts.js';
import { zoneOrUsage } from './zone.js';
import { formatAccount } from './user-format.js';
import { ROLES, type Role } from '../stores/types.js';
import { failureCounts, publicAccount, requireAccount } from '../users/deps.js';
import { approveReset, startReset } from '../users/reset.js';
import { resumeUser, suspendUser } from '../users/suspension.js';
import { unlockUser } from '../users/unlock.js';
import { type Command, output, UsageError } from './command.js';
import { openCliContext, type CliContext } from './context.js';

async function withContext<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = await openCliContext();
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/** Suspension and resumption always say why (SES-3: the record must explain the action). */
export function requireReason(values: Record<string, unknown>): string {
  const reason = values.reason;
  if (typeof reason !== 'string' || !reason.trim()) throw new UsageError('--reason is required');
  return reason;
}

function oneUser(positionals: string[]): string {
  if (positionals.length !== 1) throw new UsageError(`give exactly one user id (${USER_ID_RULE})`);
  const username = positionals[0]!;
  if (!USER_ID_PATTERN.test(username)) throw new UsageError(`"${username}" is not a user id: use ${USER_ID_RULE}`);
  return username;
}

const evidenceOptions = {
  'verified-by': { type: 'string' },
  method: { type: 'string' },
  document: { type: 'string' },
  reference: { type: 'string' },
} as const;

function evidence(values: Record<string, unknown>) {
  const missing = ['verified-by', 'method', 'document'].filter((k) => typeof values[k] !== 'string' || (values[k] as string).trim() === '');
  if (missing.length > 0)
    throw new UsageError(`the identity check must be recorded first: --${missing.join(', --')} required (AUTH-5 ledger)`);
  return {
    verifiedBy: values['verified-by'] as string,
    method: values.method as string,
    document: values.document as string,
    ...(typeof values.reference === 'string' ? { reference: values.reference } : {}),
  };
}

const ledgerUsage = '--verified-by STAFF --method METHOD --document DOC [--reference REF]';

export const userCommands: Command[] = [
  {
    name: 'user add',
    summary: 'Creates an account with a generated initial password (shown once; changed at first login).',
    usage: `usage: hic user add USER --role ROLE[,ROLE] [--project P] [--name "Display Name"] [--json]\n  USER: ${USER_ID_RULE}\n  roles: ${ROLES.join(', ')} (an analyst needs --project)`,
    options: { role: { type: 'string' }, project: { type: 'string' }, name: { type: 'string' } },
    allowPositionals: true,
    async run({ values, positionals, json }) {
      const username = oneUser(positionals);
      const roles = String(values.role ?? '')
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean) as Role[];
      if (roles.length === 0) throw new UsageError('--role is required');
      const unknown = roles.filter((r) => !ROLES.includes(r));
      if (unknown.length > 0) throw new UsageError(`unknown role: ${unknown.join(', ')} (roles: ${ROLES.join(', ')})`);
      const project = typeof values.project === 'string' ? values.project : null;
      if (roles.includes('analyst') && !project) throw new UsageError('an analyst needs --project');
      await withContext(async (ctx) => {
        if (project && !(await ctx.stores.projects.get(project))) throw new UsageError(`unknown project: ${project}`);
        const created = await createAccount(ctx, {
          username,
          roles,
          project,
          ...(typeof values.name === 'string' ? { displayName: values.name } : {}),
          initial: true,
        });
        await ctx.audit.security({ event: 'staff-action', action: 'user.add', by: ctx.operator, user: username, roles, project });
        output(
          json,
          { ok: true, user: publicAccount(created.account), initialPassword: created.password },
          `created ${username} (${roles.join(', ')}${project ? `, project ${project}` : ''})\ninitial password (hand over securely; valid once, 14 days): ${created.password}`,
        );
      });
    },
  },
  {
    name: 'user show',
    summary: 'Shows an account: status, lock, password age, authenticator, identity-check ledger.',
    usage:
      'usage: hic user show USER [--json]\n  a table: status, lock, failed attempts, password age, authenticator, identity-check ledger (times in\n  HIC_TIMEZONE, default Asia/Tokyo); --json for the same data as JSON',
    options: {},
    allowPositionals: true,
    async run({ positionals, json }) {
      const username = oneUser(positionals);
      const zone = zoneOrUsage();
      await withContext(async (ctx) => {
        const account = await requireAccount(ctx, username);
        const failures = await failureCounts(ctx, username);
        await ctx.audit.security({ event: 'staff-action', action: 'user.show', by: ctx.operator, user: username });
        output(json, { ...publicAccount(account), failures }, formatAccount(account, failures, zone, ctx.clock.now()));
      });
    },
  },
  {
    name: 'user unlock',
    summary: 'Lifts a lockout after a recorded identity check (helpdesk).',
    usage: `usage: hic user unlock USER ${ledgerUsage} [--json]
  exit 0: unlocked (the identity check is on the account's ledger and in the audit log)
  exit 1: refused; an account that is not locked gives NOT_LOCKED: nothing is changed and no check is recorded`,
    options: evidenceOptions,
    allowPositionals: true,
    async run({ values, positionals, json }) {
      const username = oneUser(positionals);
      const proof = evidence(values);
      await withContext(async (ctx) => {
        await unlockUser(ctx, username, proof, ctx.operator);
        output(json, { ok: true, user: username, unlocked: true }, `unlocked ${username}`);
      });
    },
  },
  {
    name: 'user reset',
    summary: 'Starts a password reset after a recorded identity check; prints a one-time code for the user.',
    usage: `usage: hic user reset USER ${ledgerUsage} [--lost-authenticator] [--json]
  The user completes it at /_hic/reset with the code AND their own TOTP, choosing the new password themselves.
  --lost-authenticator: no TOTP to prove the user; an administrator must approve (hic user approve-reset).`,
    options: { ...evidenceOptions, 'lost-authenticator': { type: 'boolean' } },
    allowPositionals: true,
    async run({ values, positionals, json }) {
      const username = oneUser(positionals);
      const proof = evidence(values);
      await withContext(async (ctx) => {
        const started = await startReset(ctx, username, proof, ctx.operator, { lostAuthenticator: values['lost-authenticator'] === true });
        output(
          json,
          { ok: true, user: username, ...started },
          `reset started for ${username} (${started.mode}${started.needsApproval ? ", awaiting an administrator's approval" : ''})\none-time reset code for the user: ${started.code}\nvalid until ${started.expiresAt}`,
        );
      });
    },
  },
  {
    name: 'user approve-reset',
    summary: "Administrator's second approval of a lost-authenticator reset (not by the operator who started it).",
    usage: 'usage: hic user approve-reset USER [--json]   (HIC_OPERATOR names the approving administrator)',
    options: {},
    allowPositionals: true,
    async run({ positionals, json }) {
      const username = oneUser(positionals);
      await withContext(async (ctx) => {
        await approveReset(ctx, username, ctx.operator);
        output(json, { ok: true, user: username, approvedBy: ctx.operator }, `reset of ${username} approved by ${ctx.operator}`);
      });
    },
  },
  {
    name: 'user suspend',
    summary: 'Suspends a user at once: every session and connection ends on every instance.',
    usage: 'usage: hic user suspend USER --reason REASON [--json]',
    options: { reason: { type: 'string' } },
    allowPositionals: true,
    async run({ values, positionals, json }) {
      const username = oneUser(positionals);
      const reason = requireReason(values);
      await withContext(async (ctx) => {
        const ended = await suspendUser(ctx, username, reason, ctx.operator);
        output(
          json,
          { ok: true, user: username, status: 'suspended', sessionsEnded: ended },
          `suspended ${username} (${ended} session(s) ended)`,
        );
      });
    },
  },
  {
    name: 'user resume',
    summary: 'Lifts a suspension (a separate, audited action).',
    usage: 'usage: hic user resume USER --reason REASON [--json]',
    options: { reason: { type: 'string' } },
    allowPositionals: true,
    async run({ values, positionals, json }) {
      const username = oneUser(positionals);
      const reason = requireReason(values);
      await withContext(async (ctx) => {
        await resumeUser(ctx, username, reason, ctx.operator);
        output(json, { ok: true, user: username, status: 'active' }, `resumed ${username}`);
      });
    },
  },
];

export { withContext };
