/**
 * The PKCS#12 bundle of a terminal issued on the administration page, downloadable exactly once (issue 13 item 4).
 * The bundle (the terminal's private key inside, under its own password) is kept sealed (AES-GCM, bound to the
 * token, the terminal and the administrator) in the ephemeral store for 15 minutes; the download takes it atomically
 * (`take`: GETDEL in Redis), so a second download — a reload, another tab, another instance — finds nothing. The
 * password is never kept: it is shown once on the page that offers the download.
 */
import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../accounts/secret-box.js';
import { EphemeralKeys } from '../stores/ephemeral-keys.js';
import type { Stores } from '../stores/types.js';

const context = (token: string, terminal: string, by: string) => `terminal-bundle:${token}:${terminal}:${by}`;

/** Keeps a bundle for one download by `by`; returns the token that names it. */
export async function keepBundle(
  deps: { stores: Stores; secretBox: SecretBox },
  terminal: string,
  by: string,
  p12: Buffer,
): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const sealed = deps.secretBox.seal(p12.toString('base64'), context(token, terminal, by));
  await deps.stores.ephemeral.put(EphemeralKeys.terminalBundle.key(token), sealed, EphemeralKeys.terminalBundle.ttlMs);
  return token;
}

/**
 * Takes the bundle: the first call by the administrator who issued it gets it, every later call (and anyone else)
 * null. A token of another administrator or terminal fails to open and is gone as well.
 */
export async function takeBundle(
  deps: { stores: Stores; secretBox: SecretBox },
  terminal: string,
  by: string,
  token: string,
): Promise<Buffer | null> {
  if (!/^[A-Za-z0-9_-]{32}$/.test(token)) return null;
  const sealed = await deps.stores.ephemeral.take(EphemeralKeys.terminalBundle.key(token));
  if (sealed === null) return null;
  try {
    return Buffer.from(deps.secretBox.open(sealed, context(token, terminal, by)), 'base64');
  } catch {
    return null;
  }
}
