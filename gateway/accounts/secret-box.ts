/**
 * Encryption at rest of TOTP secrets (AUTH-6: TOTP の秘密鍵は暗号化して保存). AES-256-GCM (NIST SP 800-38D) with
 * a random 96-bit nonce per seal; with random nonces one key stays safe for far more than the 2³² seals the
 * SP 800-38D §8.3 bound allows, which a gateway's user count never approaches.
 *
 * Sealed form: `v1.<nonce>.<ciphertext>.<tag>`, each part base64url. The version prefix, and an optional context
 * (e.g. the user id), are authenticated as associated data: a sealed secret copied onto another user's record, or
 * relabelled, fails to open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import { HicError } from '../core/errors.js';

const VERSION = 'v1';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that fails authentication or does not parse: tampering, a wrong key, or a wrong context. */
function integrityError(why: string): HicError {
  // No code fits exactly; CONFIG_INVALID (500) because it means the store or the key is wrong, not the request.
  return new HicError('CONFIG_INVALID', undefined, { cause: new Error(`secret-box: ${why}`) });
}

async function readKey(keyFile: string): Promise<Buffer> {
  const info = await stat(keyFile);
  if ((info.mode & 0o077) !== 0) {
    throw new HicError('CONFIG_INVALID', `${keyFile}: key file must be readable by its owner only (chmod 600)`);
  }
  const key = await readFile(keyFile);
  if (key.length !== KEY_BYTES) {
    throw new HicError('CONFIG_INVALID', `${keyFile}: key file must hold exactly ${KEY_BYTES} bytes`);
  }
  return key;
}

/**
 * Writes a new key to a private temporary file, then links it into place: `link` fails if the key file exists,
 * so two instances starting together cannot overwrite each other's key, and no reader ever sees a half-written
 * file. Returns `undefined` if another instance won.
 */
async function createKey(keyFile: string): Promise<Buffer | undefined> {
  const key = randomBytes(KEY_BYTES);
  const tmp = `${keyFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(key);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, keyFile);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  } finally {
    await unlink(tmp);
  }
}

/** Seals and opens short secrets with one AES-256-GCM key. */
export class SecretBox {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /**
   * Reads the 32-byte key from `keyFile`, or creates it (random, mode 0600) if the file does not exist.
   * Losing this file makes every enrolled authenticator unusable: back it up with the database, apart from it.
   *
   * @throws HicError `CONFIG_INVALID` if the file is readable by group or others, or is not exactly 32 bytes.
   */
  static async loadOrCreate(keyFile: string): Promise<SecretBox> {
    try {
      return new SecretBox(await readKey(keyFile));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const created = await createKey(keyFile);
    return new SecretBox(created ?? (await readKey(keyFile)));
  }

  /** Encrypts `plain`; `context` (e.g. the user id) must be given again to {@link open}. */
  seal(plain: string, context = ''): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(context));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const encoded = [nonce, ct, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return [VERSION, ...encoded].join('.');
  }

  /**
   * Decrypts a value made by {@link seal} with the same key and context.
   *
   * @throws HicError (`CONFIG_INVALID`, cause `secret-box: …`) if it was altered, truncated, or sealed under
   *   another key, version or context.
   */
  open(sealed: string, context = ''): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) throw integrityError('unknown format');
    const decoded = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
    // Node's decoder skips stray characters; insist on the canonical encoding so one seal has one spelling.
    if (decoded.some((b, i) => b.toString('base64url') !== parts[i + 1])) throw integrityError('not base64url');
    const [nonce, ct, tag] = decoded as [Buffer, Buffer, Buffer];
    if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) throw integrityError('bad nonce or tag length');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(context));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
    } catch (err) {
      throw integrityError(`authentication failed (${(err as Error).message})`);
    }
  }
}

/** Associated data: the version and the context, length-prefixed so that no two pairs encode alike. */
function aad(context: string): Buffer {
  const ctx = Buffer.from(context, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(ctx.length);
  return Buffer.concat([Buffer.from(VERSION, 'ascii'), len, ctx]);
}
