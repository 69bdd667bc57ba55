/**
 * The public surface of the account-security libraries (AUTH-1..6): pure functions and one class, no HTTP, no
 * store. Callers wire them to the login flow, the account store and the Redis replay guard.
 */
export { checkPassword, type PasswordCheck, type PasswordContext, type PasswordRule } from './password-rules.js';
export { type BilingualMessage } from './password-messages.js';
export { describePassword, isPasswordExpired, passwordExpiresAt, type PasswordMeta } from './password-expiry.js';
export { DEFAULT_COST, dummyHash, hashPassword, needsRehash, TEST_COST, verifyPassword, type HashCost } from './password-hash.js';
export {
  currentTotp,
  generateTotpSecret,
  totpUri,
  verifyTotp,
  TOTP_DIGITS,
  TOTP_ISSUER,
  TOTP_PERIOD_SECONDS,
  type TotpVerdict,
} from './totp.js';
export { totpQrSvg } from './totp-qr.js';
export { SecretBox } from './secret-box.js';
