import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../config/load.js';
import { isHicError } from '../core/errors.js';

/** A usage error: the message is printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Command {
  /** e.g. "ca revoke" */
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  allowPositionals?: boolean;
  run(args: { values: Record<string, unknown>; positionals: string[]; json: boolean }): Promise<number | void>;
}

const common = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  home: { type: 'string' },
} as const;

/** Parses argv for one command and runs it; prints errors plainly (never a stack trace) and returns the exit code. */
export async function runCommand(cmd: Command, argv: string[]): Promise<number> {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...common, ...cmd.options },
      allowPositionals: cmd.allowPositionals ?? false,
      strict: true,
    }) as typeof parsed;
  } catch (err) {
    process.stderr.write(`hic ${cmd.name}: ${(err as Error).message}\n\n${cmd.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${cmd.summary}\n\n${cmd.usage}\n`);
    return 0;
  }
  if (typeof parsed.values.home === 'string') process.env.HIC_HOME = parsed.values.home;
  const json = parsed.values.json === true;
  try {
    return (await cmd.run({ ...parsed, json })) ?? 0;
  } catch (err) {
    return reportError(cmd, err, json);
  }
}

function reportError(cmd: Command, err: unknown, json: boolean): number {
  let code = 'ERROR';
  let message = String((err as Error)?.message ?? err);
  let exit = 1;
  if (err instanceof UsageError) {
    code = 'USAGE';
    exit = 2;
  } else if (err instanceof ConfigError) {
    code = err.code;
  } else if (isHicError(err)) {
    code = err.code;
  } else if (!(err instanceof Error) || (err as NodeJS.ErrnoException).code === undefined) {
    // An error the command did not expect: its message, and the stack only when asked for (HIC_DEBUG=1), so an
    // operator's terminal or log never fills with internals.
    code = 'INTERNAL';
    message = process.env.HIC_DEBUG
      ? String((err as Error)?.stack ?? err)
      : `internal error: ${String((err as Error)?.message ?? err)} (HIC_DEBUG=1 shows details)`;
  }
  if (json) process.stdout.write(JSON.stringify({ ok: false, error: code, message }) + '\n');
  else process.stderr.write(`hic ${cmd.name}: ${message}\n${exit === 2 ? `\n${cmd.usage}\n` : ''}`);
  return exit;
}

/** Prints a result: JSON when asked, otherwise the human text. */
export function output(json: boolean, data: unknown, human: string): void {
  process.stdout.write(json ? JSON.stringify(data) + '\n' : human.endsWith('\n') ? human : human + '\n');
}

export function stateDir(): string {
  return process.env.HIC_HOME ?? '.hic';
}
