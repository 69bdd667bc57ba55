import { withoutParams } from '../net/query.js';

/** Parameters the workspace would take as its credential (Jupyter: `?token=`); only the gateway presents one. */
const CREDENTIAL_PARAMS: ReadonlySet<string> = new Set(['token']);

/** The query forwarded to the workspace: as sent, minus credential parameters. No work when there can be none. */
export function forwardQuery(query: string): string {
  if (query === '' || (!query.includes('token') && !query.includes('%'))) return query;
  return withoutParams(query, CREDENTIAL_PARAMS);
}
