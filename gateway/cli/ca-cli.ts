/**
 * What every `hic ca …` command works with: the CLI context (shared store, audit log), the CA in `<home>/ca`
 * and a session ender that can end sessions on every instance (it publishes over the same pub/sub as the
 * gateways). Failures of staff actions are audited too (LOG-6).
 */
import { join } from 'node:path';
import { authorityExists, loadAuthority, type Authority } from '../../ca/index.js';
import { HicError, isHicError } from '../core/errors.js';
import { SessionEnder } from '../sessions/session-ender.js';
import type { LedgerDeps } from '../terminals/index.js';
import { openCliContext, type CliContext } from './context.js';

/** An open CA command context; `close()` flushes the audit log and closes the store. */
export interface CaCli {
  ctx: CliContext;
  caDir: string;
  deps: LedgerDeps;
  /** Records a successful staff action (the caller adds what was done). */
  audit(action: string, details: Record<string, unknown>): Promise<void>;
  /** Runs an action; a failure is audited with its error code before it is reported. */
  attempt<T>(action: string, details: Record<string, unknown>, run: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The CA directory of the state dir. */
export function caDirOf(home: string): string {
  return join(home, 'ca');
}

async function loadCa(dir: string, ctx: CliContext, required: boolean): Promise<Authority | null> {
  if (!authorityExists(dir)) {
    if (required)
      throw new HicError('CA_ERROR', `no certificate authority in ${dir}: run \`hic ca init\` first (state dir: HIC_HOME or --home)`);
    return null;
  }
  return loadAuthority(dir, { clock: ctx.clock });
}

/** Opens the context. `store: false` works without REDIS_URL (init); `ca: true` requires an initialised CA. */
export async function openCaCli(opts: { store: boolean; ca: boolean }): Promise<CaCli> {
  const ctx = await openCliContext({ needsStore: opts.store });
  try {
    const caDir = caDirOf(ctx.home);
    const authority = await loadCa(caDir, ctx, opts.ca);
    const sessions = new SessionEnder(ctx.stores, ctx.clock, ctx.audit);
    const audit = (action: string, details: Record<string, unknown>) =>
      ctx.audit.security({ event: 'staff-action', action, by: ctx.operator, ...details });
    return {
      ctx,
      caDir,
      deps: { stores: ctx.stores, clock: ctx.clock, authority, sessions },
      audit,
      async attempt(action, details, run) {
        try {
          return await run();
        } catch (err) {
          await audit(action, {
            ...details,
            outcome: 'failed',
            error: isHicError(err) ? err.code : 'ERROR',
            message: (err as Error).message,
          });
          throw err;
        }
      },
      async close() {
        await ctx.close();
      },
    };
  } catch (err) {
    await ctx.close();
    throw err;
  }
}

/** Opens, runs, closes: the shape of every CA command. */
export async function withCaCli<T>(opts: { store: boolean; ca: boolean }, run: (cli: CaCli) => Promise<T>): Promise<T> {
  const cli = await openCaCli(opts);
  try {
    return await run(cli);
  } finally {
    await cli.close();
  }
}
