import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, open, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HicError } from '../core/errors.js';

const PRIVATE_FILE = 'audit-signing.key.pem';
const PUBLIC_FILE = 'audit-signing.pub.pem';

/**
 * Loads the Ed25519 checkpoint signing key from `keyDir`, creating it on first use: `audit-signing.key.pem`
 * (PKCS#8, mode 0600, never overwritten) and `audit-signing.pub.pem` (SPKI, derived from the private key and
 * rewritten if it differs). Keep `keyDir` apart from the audit dir, and give verifiers a copy of the public key
 * held elsewhere: someone who can rewrite the logs could also replace a public key lying next to them.
 * Throws `CONFIG_INVALID` when the key is not Ed25519 or its file is readable by group or others.
 */
export async function loadOrCreateSigningKey(keyDir: string): Promise<{ privateKey: KeyObject; publicKeyPem: string }> {
  await mkdir(keyDir, { recursive: true, mode: 0o700 });
  const privatePath = join(keyDir, PRIVATE_FILE);
  const pem = (await readPrivate(privatePath)) ?? (await createPrivate(privatePath));
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new HicError('CONFIG_INVALID', `${privatePath} is not a private key`, { cause: err });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new HicError('CONFIG_INVALID', `${privatePath} must hold an Ed25519 key`);
  }
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const publicPath = join(keyDir, PUBLIC_FILE);
  if ((await readFile(publicPath, 'utf8').catch(() => null)) !== publicKeyPem) {
    await writeFile(publicPath, publicKeyPem, { mode: 0o644 });
  }
  return { privateKey, publicKeyPem };
}

async function readPrivate(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
      throw new HicError('CONFIG_INVALID', `${path} must not be readable by group or others (chmod 600)`);
    }
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function createPrivate(path: string): Promise<string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let fh;
  try {
    // 'wx': two processes starting together must not both write a key; the loser reads the winner's.
    fh = await open(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFile(path, 'utf8');
    throw err;
  }
  try {
    await fh.writeFile(pem);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return pem;
}
