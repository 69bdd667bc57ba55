import { runCommand } from './command.js';
import { commands } from './commands.js';
import { groupHelp, groupsOf, topHelp } from './help.js';

const HELP_WORDS = new Set(['--help', '-h', 'help']);

/** Dispatches argv to a command, a group's help or the top help; returns the exit code (bin/hic.ts sets it). */
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || HELP_WORDS.has(argv[0]!)) {
    // `hic help user` reads like `hic user --help`.
    if (argv.length > 1 && groupsOf(commands).includes(argv[1]!)) {
      process.stdout.write(groupHelp(argv[1]!, commands) + '\n');
      return 0;
    }
    process.stdout.write(topHelp(commands) + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  // Longest match first: "ca revoke" before "ca".
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const cmd of sorted) {
    const words = cmd.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return runCommand(cmd, argv.slice(words.length));
  }
  const group = argv[0]!;
  if (groupsOf(commands).includes(group)) {
    // `hic user --help` is a request for help (exit 0); `hic user` alone or `hic user frob` is a usage error.
    if (argv.length === 2 && HELP_WORDS.has(argv[1]!)) {
      process.stdout.write(groupHelp(group, commands) + '\n');
      return 0;
    }
    const what = argv.length === 1 ? `hic ${group}: which command?` : `hic ${group}: unknown command: ${argv[1]}`;
    process.stderr.write(`${what}\n\n${groupHelp(group, commands)}\n`);
    return 2;
  }
  process.stderr.write(`hic: unknown command: ${argv.join(' ')}\n\n${topHelp(commands)}\n`);
  return 2;
}
