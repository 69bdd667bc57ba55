import { createHash, randomBytes } from 'node:crypto';

/** 256-bit random session token, base64url (43 characters). */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Rejects garbage before any store lookup. */
export function isWellFormedToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** The store and the logs know a session only by this hash, never by the cookie value. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
