/**
 * Option parsing and file handling shared by the `hic ca …` commands. Bad input is a UsageError (exit 2, with
 * the command's usage); files with keys are written owner-only and never overwritten by accident.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HicError } from '../core/errors.js';
import { UsageError } from './command.js';

const DAY_MS = 86_400_000;

/** A string option, or undefined. */
export function stringOption(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A string option that must be given. */
export function requiredOption(values: Record<string, unknown>, name: string): string {
  const v = stringOption(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/** A repeatable string option (`--project a --project b`). */
export function listOption(values: Record<string, unknown>, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** `--days N`: a whole number of days from 1 to 825 (the CA clips to its own end). */
export function daysOption(values: Record<string, unknown>): number | undefined {
  const raw = stringOption(values, 'days');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 825) throw new UsageError(`--days must be a whole number from 1 to 825, not ${raw}`);
  return n;
}

/** A duration such as `30d`, `12h`, `2w` or a bare number of days, in milliseconds. */
export function parseDuration(raw: string, name: string): number {
  const m = /^(\d+)([hdw]?)$/.exec(raw);
  if (!m) throw new UsageError(`--${name} must look like 30d, 12h or 2w, not ${raw}`);
  const unit = m[2] === 'h' ? 3_600_000 : m[2] === 'w' ? 7 * DAY_MS : DAY_MS;
  return Number(m[1]) * unit;
}

/** Reads a CSR file; a missing file is named in the message. */
export function readCsrFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new HicError('BAD_REQUEST', `cannot read the CSR file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: err,
    });
  }
}

/** Reads a secret from a file (first line), so it never appears in argv or the shell history. */
export function readSecretFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').split(/\r?\n/)[0] ?? '';
  } catch (err) {
    throw new HicError('BAD_REQUEST', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`, { cause: err });
  }
}

/** Fails early (before anything is issued) when a file we are about to create exists. */
export async function assertAbsent(path: string): Promise<void> {
  try {
    await (await open(path, 'r')).close();
  } catch {
    return;
  }
  throw new HicError('CONFLICT', `${path} already exists; refusing to overwrite it (choose another --out)`);
}

/**
 * Creates a file that must not exist yet (O_EXCL) with the given mode set at creation, so a key is never
 * briefly readable by others and an earlier bundle is never replaced.
 */
export async function writeNewFile(path: string, data: string | Buffer, mode = 0o600): Promise<void> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let handle;
  try {
    handle = await open(path, 'wx', mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new HicError('CONFLICT', `${path} already exists; refusing to overwrite it`);
    throw err;
  }
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

/** The flags that describe a terminal being registered (issue-terminal and sign-csr take the same). */
export const TERMINAL_REQUEST_OPTIONS = {
  terminal: { type: 'string' },
  site: { type: 'string' },
  project: { type: 'string', multiple: true },
  out: { type: 'string' },
  days: { type: 'string' },
  'requested-by': { type: 'string' },
  note: { type: 'string' },
} as const;
