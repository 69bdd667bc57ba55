import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_COOKIE, hostCookie, readCookie } from '../sessions/cookies.js';

/**
 * CSRF defence for every form: a double-submit token (cookie + hidden field, compared in constant time) on top
 * of SameSite=Strict cookies and an Origin check.
 */
export function csrfToken(req: FastifyRequest, reply: FastifyReply): string {
  const existing = readCookie(req.headers.cookie, CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{32,64}$/.test(existing)) return existing;
  const token = randomBytes(24).toString('base64url');
  reply.header('set-cookie', hostCookie(CSRF_COOKIE, token));
  return token;
}

export function csrfField(token: string): string {
  return `<input type="hidden" name="_csrf" value="${token}">`;
}

/** True when the form's token matches the cookie and the request did not come from another origin. */
export function csrfValid(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const cookie = readCookie(req.headers.cookie, CSRF_COOKIE);
  const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (!cookie || typeof sent !== 'string') return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
