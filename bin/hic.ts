#!/usr/bin/env node
import { runCommand } from '../gateway/cli/command.js';
import { commands } from '../gateway/cli/commands.js';

function help(): string {
  return `hic — HIC secure analysis gateway\n\nCommands:\n${commands.map((c) => `  hic ${c.name.padEnd(22)} ${c.summary}`).join('\n')}\n\nEvery command takes --help.`;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(help() + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  // Longest match first: "ca revoke" before "ca".
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const cmd of sorted) {
    const words = cmd.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return runCommand(cmd, argv.slice(words.length));
  }
  process.stderr.write(`hic: unknown command: ${argv.join(' ')}\n\n${help()}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`hic: ${String((err as Error)?.message ?? err)}\n`);
    process.exitCode = 1;
  },
);
