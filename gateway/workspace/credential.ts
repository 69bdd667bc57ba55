import { readFileSync, statSync } from 'node:fs';
import { HicError } from '../core/errors.js';

/**
 * The project's upstream credential (e.g. the Jupyter token): a secret only the gateway holds, presented on every
 * forwarded request and upgrade, so the analyst never learns it and never types it into the workspace's own login
 * page. It lives in a file the project names (never in the config or the store), readable by its owner only.
 * Returns the secret, or throws a CONFIG_INVALID error that names the file and the problem (never the content).
 */
export function readCredential(file: string): string {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch {
    throw new HicError('CONFIG_INVALID', `credential file ${file}: not found or not readable`);
  }
  if ((mode & 0o077) !== 0)
    throw new HicError(
      'CONFIG_INVALID',
      `credential file ${file}: must be readable by its owner only (chmod 600), is ${(mode & 0o777).toString(8)}`,
    );
  const secret = readFileSync(file, 'utf8').trim();
  if (secret === '' || /\s/.test(secret)) throw new HicError('CONFIG_INVALID', `credential file ${file}: must hold one secret on one line`);
  return secret;
}

/** The `Authorization` header value for a credential presented with a scheme (`token <secret>` for Jupyter). */
export function authorizationValue(scheme: string, secret: string): string {
  return `${scheme} ${secret}`;
}
