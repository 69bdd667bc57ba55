import type { Command } from './command.js';
import { auditExportCommand, auditSearchCommand } from './cmd-audit-search.js';
import { auditRetentionCommand } from './cmd-audit-retention.js';
import { auditSessionsCommand } from './cmd-audit-sessions.js';
import { auditVerifyCommand } from './cmd-audit-verify.js';

/** The security team's commands on the audit log (issue 5). Each read is itself recorded (LOG-3). */
export const auditCommands: Command[] = [
  auditVerifyCommand,
  auditSearchCommand,
  auditSessionsCommand,
  auditRetentionCommand,
  auditExportCommand,
];
