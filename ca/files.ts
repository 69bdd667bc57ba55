/**
 * The CA directory: which files it holds, how they are written (never overwritten, keys mode 0600) and the small
 * `ca.json` settings file.
 */
import { existsSync } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HicError } from '../gateway/core/errors.js';

/** File names inside the CA directory. */
export const CA_FILES = {
  rootCert: 'root-ca.cert.pem',
  rootKey: 'root-ca.key.pem',
  issuingCert: 'issuing-ca.cert.pem',
  issuingKey: 'issuing-ca.key.pem',
  bundle: 'ca-bundle.pem',
  config: 'ca.json',
} as const;

/** Private keys are readable by the owner only. */
const KEY_MODE = 0o600;
const PUBLIC_MODE = 0o644;

/** Settings kept beside the certificates. */
export interface CaConfig {
  readonly version: 1;
  readonly commonNamePrefix: string;
  readonly crlDistributionUrl?: string | undefined;
  readonly createdAt: string;
}

/** True when any CA file is present: a half-written CA must not be overwritten either. */
export function anyCaFileExists(dir: string): boolean {
  return Object.values(CA_FILES).some((name) => existsSync(join(dir, name)));
}

/** Everything `initAuthority` writes. */
export interface CaFileContents {
  readonly rootCert: string;
  readonly rootKey: string;
  readonly issuingCert: string;
  readonly issuingKey: string;
  readonly bundle: string;
  readonly config: CaConfig;
}

/**
 * Writes a new CA. Each file is opened with O_CREAT|O_EXCL ('wx'), so an existing file is never replaced even
 * if two processes run `init` at once; the mode is set at creation, so a key is never briefly world-readable.
 */
export async function writeCaFiles(dir: string, files: CaFileContents): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const entries: [string, string, number][] = [
    [CA_FILES.rootKey, files.rootKey, KEY_MODE],
    [CA_FILES.issuingKey, files.issuingKey, KEY_MODE],
    [CA_FILES.rootCert, files.rootCert, PUBLIC_MODE],
    [CA_FILES.issuingCert, files.issuingCert, PUBLIC_MODE],
    [CA_FILES.bundle, files.bundle, PUBLIC_MODE],
    [CA_FILES.config, `${JSON.stringify(files.config, null, 2)}\n`, PUBLIC_MODE],
  ];
  for (const [name, content, mode] of entries) {
    const path = join(dir, name);
    let handle;
    try {
      handle = await open(path, 'wx', mode);
    } catch (err) {
      const exists = (err as NodeJS.ErrnoException).code === 'EEXIST';
      const detail = exists ? `${path} already exists; refusing to overwrite a CA` : `cannot create ${path}`;
      throw new HicError('CA_ERROR', detail, { cause: err });
    }
    try {
      await handle.writeFile(content);
      await handle.chmod(mode); // the process umask may have removed bits we want (never adds any)
    } finally {
      await handle.close();
    }
  }
}

/** Reads one CA file, naming it in the error. */
export async function readCaFile(dir: string, name: string): Promise<string> {
  const path = join(dir, name);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    const detail = missing ? `${path} is missing; is ${dir} a CA directory?` : `cannot read ${path}`;
    throw new HicError('CA_ERROR', detail, { cause: err });
  }
}

/** Reads `ca.json`; a CA without one (made by hand) gets the defaults. */
export async function readCaConfig(dir: string, defaults: CaConfig): Promise<CaConfig> {
  if (!existsSync(join(dir, CA_FILES.config))) return defaults;
  const text = await readCaFile(dir, CA_FILES.config);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new HicError('CA_ERROR', `${join(dir, CA_FILES.config)} is not valid JSON`, { cause: err });
  }
  const obj = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const prefix = obj['commonNamePrefix'];
  const url = obj['crlDistributionUrl'];
  return {
    version: 1,
    commonNamePrefix: typeof prefix === 'string' ? prefix : defaults.commonNamePrefix,
    crlDistributionUrl: typeof url === 'string' ? url : undefined,
    createdAt: typeof obj['createdAt'] === 'string' ? obj['createdAt'] : defaults.createdAt,
  };
}
