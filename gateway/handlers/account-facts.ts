import type { AccountFacts } from '../pages/helpdesk-views.js';
import type { Runtime } from '../runtime.js';
import { failureCounts, requireAccount } from '../users/deps.js';

/** What the account pages (helpdesk, security, administration) show of one account: state, failures, sessions. */
export async function accountFacts(rt: Runtime, username: string): Promise<AccountFacts> {
  const account = await requireAccount(rt, username);
  const sessions = (await Promise.all((await rt.stores.sessions.listByUser(username)).map((id) => rt.stores.sessions.get(id)))).filter(
    (s) => s !== null,
  );
  return {
    account,
    failures: await failureCounts(rt, username),
    sessions,
    project: account.project ? await rt.stores.projects.get(account.project) : null,
    policy: rt.policy,
    now: rt.clock.now(),
    zone: rt.config.pages.timezone,
  };
}
