import type { Command } from './command.js';

/** What each group of commands is for (the first line of `hic <group> --help`). */
const GROUPS: Record<string, string> = {
  user: 'Accounts: create, show, unlock and reset after an identity check, suspend and resume (helpdesk, security, administrators).',
  project: 'Approved studies (研究課題): create, show, change the usage period / networks / upstream / profile, suspend, resume, end.',
  ca: 'The built-in CA and the terminal register (利用端末管理簿): init, issue, sign CSRs, renew, revoke, list, CRL.',
  audit: 'The audit log (security team): verify the chains, search, session records, retention, export. Every read is recorded.',
};

const ENVIRONMENT = `Environment: REDIS_URL and HIC_STORE_PREFIX (the gateways' shared store; or HIC_CONFIG, the gateways' config file,
whose store section is used: Sentinel, Cluster), HIC_HOME (state dir, default ./.hic),
HIC_OPERATOR (who you are, for the audit log; else $USER), HIC_TIMEZONE (days and times, default Asia/Tokyo).
Exit codes: 0 done, 1 refused (unknown user or project, not allowed, ...), 2 usage error (the message says what is allowed).`;

/** The groups that exist: the first word of every command with more than one word. */
export function groupsOf(commands: Command[]): string[] {
  return [...new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!))];
}

/** `hic --help`: every command with its summary. */
export function topHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return `hic — HIC secure analysis gateway

usage: hic <command> [options]      hic <group> --help      hic <group> <command> --help
From a checkout: npm run build, then npx hic <command> (or node dist/bin/hic.js <command>).

Commands:
${commands.map((c) => `  hic ${c.name.padEnd(width)} ${c.summary}`).join('\n')}

${ENVIRONMENT}`;
}

/** `hic user --help`: the group's purpose and each of its commands with its usage line. */
export function groupHelp(group: string, commands: Command[]): string {
  const members = commands.filter((c) => c.name.split(' ')[0] === group && c.name.includes(' '));
  const width = Math.max(...members.map((c) => c.name.length)) + 2;
  return `hic ${group} — ${GROUPS[group] ?? ''}

Commands (each takes --help for its options, and --json for machine-readable output):
${members.map((c) => `  hic ${c.name.padEnd(width)} ${c.summary}`).join('\n')}

${ENVIRONMENT}`;
}
