import type { Command } from './command.js';
import { auditCommands } from './cmd-audit.js';
import { caCommands } from './cmd-ca.js';
import { projectCommands } from './cmd-project.js';
import { healthCommand } from './cmd-health.js';
import { projectUpdateCommand } from './cmd-project-update.js';
import { startCommand } from './cmd-start.js';
import { transferCommands } from './cmd-transfer.js';
import { userCommands } from './cmd-user.js';

/** Every command, by the words that name it (scripts rely on these names). Each area adds its commands here. */
export const commands: Command[] = [
  startCommand,
  healthCommand,
  ...userCommands,
  ...projectCommands,
  projectUpdateCommand,
  ...caCommands,
  ...auditCommands,
  ...transferCommands,
];
