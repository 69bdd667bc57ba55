/**
 * The second factor (AUTH-1): TOTP per RFC 6238 — HMAC-SHA-1, 6 digits, 30-second steps, T0 = 0 — the profile
 * every common authenticator app implements. Built on otplib 13's functional API.
 *
 * Replay: {@link verifyTotp} returns the matched time step; the caller must then claim it atomically, e.g.
 * `SET totp:<user>:<step> 1 NX EX 120`, and refuse the login if the key existed (RFC 6238 §5.2: the verifier
 * MUST NOT accept the second attempt of the same OTP). A check-then-act guard would let two concurrent requests
 * both pass.
 */
import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';

/** Time step in seconds (RFC 6238 §5.2 recommends 30). */
export const TOTP_PERIOD_SECONDS = 30;

/** Digits shown by authenticator apps. */
export const TOTP_DIGITS = 6;

/** Secret length: 160 bits, the HMAC-SHA-1 output size (RFC 4226 §4 R6 recommends 160). */
const SECRET_BYTES = 20;

/** The issuer shown in the authenticator app. */
export const TOTP_ISSUER = 'HIC Gateway';

/** The verdict of {@link verifyTotp}. */
export type TotpVerdict =
  { readonly valid: true; readonly timeStep: number; readonly drift: number } | { readonly valid: false; readonly timeStep?: undefined };

/** A fresh random secret, base32 without padding (32 characters). Encrypt it at rest (AUTH-6, see secret-box). */
export function generateTotpSecret(): string {
  return generateSecret({ length: SECRET_BYTES });
}

/**
 * The `otpauth://totp/<issuer>:<account>?secret=…&issuer=…` URI that enrolment shows as a QR code (Key Uri
 * Format of Google Authenticator; algorithm, digits and period are the defaults, so apps need no extra fields).
 */
export function totpUri(opts: { secret: string; account: string; issuer?: string }): string {
  return generateURI({ issuer: opts.issuer ?? TOTP_ISSUER, label: opts.account, secret: opts.secret });
}

const toEpochSeconds = (nowMs: number): number => Math.floor(nowMs / 1000);

/**
 * Checks a code typed by the user at `now` (ms since the epoch). One step of clock drift either way is accepted
 * (RFC 6238 §5.2 / §6 suggests at most one step backward; one forward covers a phone a little fast): 90 s in all.
 * Spaces in the code are ignored (apps show `123 456`); anything but 6 digits is simply invalid.
 *
 * @returns on success the RFC 6238 time step T that matched (for the replay guard) and the drift in steps.
 */
export function verifyTotp(opts: { secret: string; token: string; now: number }): TotpVerdict {
  const token = opts.token.replace(/\s+/g, '');
  if (!/^\d+$/.test(token) || token.length !== TOTP_DIGITS) return { valid: false };
  const result = verifySync({
    secret: opts.secret,
    token,
    epoch: toEpochSeconds(opts.now),
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    epochTolerance: TOTP_PERIOD_SECONDS,
  });
  // otplib types the result as TOTP | HOTP; only the TOTP variant carries `timeStep`.
  if (!result.valid || !('timeStep' in result)) return { valid: false };
  return { valid: true, timeStep: result.timeStep, drift: result.delta };
}

/**
 * The code for `now` (ms since the epoch), for tests and the demo. `digits: 8` exists to check the RFC 6238
 * Appendix B vectors; the gateway itself uses 6.
 */
export function currentTotp(secret: string, now: number, digits: 6 | 8 = TOTP_DIGITS): string {
  return generateSync({ secret, epoch: toEpochSeconds(now), period: TOTP_PERIOD_SECONDS, digits });
}
