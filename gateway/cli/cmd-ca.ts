import type { Command } from './command.js';
import { caCrlCommand } from './cmd-ca-crl.js';
import { caInitCommand } from './cmd-ca-init.js';
import { caIssueServerCommand } from './cmd-ca-issue-server.js';
import { caIssueTerminalCommand } from './cmd-ca-issue-terminal.js';
import { caListCommand } from './cmd-ca-list.js';
import { caRenewTerminalCommand } from './cmd-ca-renew-terminal.js';
import { caRevokeCommand } from './cmd-ca-revoke.js';
import { caSignCsrCommand } from './cmd-ca-sign-csr.js';

/** `hic ca …`: the built-in CA and the terminal register (names are a contract: scripts rely on them). */
export const caCommands: Command[] = [
  caInitCommand,
  caIssueServerCommand,
  caIssueTerminalCommand,
  caSignCsrCommand,
  caRenewTerminalCommand,
  caRevokeCommand,
  caListCommand,
  caCrlCommand,
];
