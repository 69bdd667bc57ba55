/**
 * Every short-lived key the gateway keeps in the ephemeral store, with its lifetime, in one place: a key written in
 * one file and read or deleted in another cannot drift apart, and a reviewer sees at once what lives how long.
 * Keys are namespaced by the store's prefix (`store.prefix`); values are opaque strings.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A key family: how to name one key, and how long it lives (ms). */
interface KeyFamily<A extends unknown[]> {
  key: (...args: A) => string;
  ttlMs: number;
}

function family<A extends unknown[]>(key: (...args: A) => string, ttlMs: number): KeyFamily<A> {
  return { key, ttlMs };
}

export const EphemeralKeys = {
  /** A form login between the password and the TOTP step. */
  loginPending: family((id: string) => `login:${id}`, 5 * MINUTE),
  /** The TOTP secret offered at enrolment (one per user, shown again on reload until confirmed or expired). */
  enrolmentOffer: family((user: string) => `enrol:user:${user}`, 15 * MINUTE),
  /** Who made the enrolment offer first (two tabs must not get two secrets). */
  enrolmentClaim: family((user: string) => `enrol:user:${user}:claim`, 15 * MINUTE),
  /** A TOTP code already used (RFC 6238 5.2: accept a code once); three 30 s steps cover the accepted drift. */
  totpUsed: family((user: string, step: number) => `totp-used:${user}:${step}`, 3 * 30_000),
  /** Failed password / TOTP entries of one account (AUTH-4): until the helpdesk clears them, a year at most. */
  failures: family((stage: 'password' | 'totp', user: string) => `fail:${stage}:${user}`, 365 * DAY),
  /** Failed logins from one address across user names (the login service's own limit). */
  addressFailures: family((address: string) => `fail:address:${address}`, 10 * MINUTE),
  /** A helpdesk reset ticket (one-time code), AUTH-5. */
  resetTicket: family((user: string) => `reset:${user}`, DAY),
  /** Failed-login burst of one user name in one fixed window (LOG-4). */
  alertBurst: family((user: string, bucket: number) => `alert:burst:user:${user}:${bucket}`, 0),
  /** Networks and terminals a user has been seen from (LOG-4 new-network / new-terminal): a little over a year. */
  alertSeen: family((user: string, what: string) => `alert:seen:${user}:${what}`, 400 * DAY),
  /** Login throttle of one terminal + address (issue 11): failures in the window, the earliest next try, one try at a time. */
  throttleFailures: family((origin: string) => `throttle:fail:${origin}`, 10 * MINUTE),
  throttleNext: family((origin: string) => `throttle:next:${origin}`, 10 * MINUTE),
  throttleTurn: family((origin: string) => `throttle:turn:${origin}`, 30_000),
  throttleAlerted: family((origin: string) => `throttle:alerted:${origin}`, 10 * MINUTE),
  /** After a helpdesk unlock the user passes the throttle (the user is expected to log in right after the call). */
  throttlePass: family((user: string) => `throttle:pass:${user}`, DAY),
  /** A PKCS#12 bundle made by the CA for the admin page, sealed, downloadable once (issue 13 item 4). */
  terminalBundle: family((token: string) => `ca:bundle:${token}`, 15 * MINUTE),
} as const;
