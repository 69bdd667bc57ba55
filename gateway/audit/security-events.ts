import type { AlertSeverity, AlertType } from '../alerts/alert.js';

/**
 * Every security event the gateway writes, by name, with the fields the security team's search, the alert rules
 * and the SIEM rely on (LOG-1, LOG-6). A name not listed here does not compile, and neither does an event without
 * its required fields. Events may carry more detail (a staff action's own fields, a refusal's context): `Detail`.
 */
type Detail = { readonly [field: string]: unknown };

/** Who and where, as far as the stage that wrote the event knew it. (Type aliases, not interfaces, so that an
 * event stays assignable to the log's plain record type.) */
type Who = {
  user?: string | null;
  session?: string | null;
  project?: string | null;
  terminal?: string | null;
  terminalId?: string | null;
  address?: string | null;
};

type LoginStage = 'password' | 'totp';

export interface SecurityEventFields {
  'login-success': Who & { user: string; session: string; via: string } & Detail;
  'login-failed': Who & { stage: LoginStage; reason: string } & Detail;
  'account-locked': Who & { stage: LoginStage; failures: number } & Detail;
  'initial-password-used': Who & Detail;
  'password-changed': { user: string; neverExpires: boolean };
  'password-change-failed': { user: string; rule: string };
  'password-reset-failed': { user: string; reason: string } & Detail;
  'password-reset-completed': { user: string; mode: string; checkId: string; reenrol: boolean };
  'totp-enrolled': { user: string };
  'totp-enrolment-failed': { user: string };
  'session-end': Who & { reason: string; user: string; session: string; by?: string | undefined } & Detail;
  'session-terminal-mismatch': Who & { user: string; session: string; terminal: string | null; address: string };
  /** A helpdesk, security, admin or reviewer action (AC-5): `by` did `action`; the rest says to what. */
  'staff-action': { action: string; by: string } & Detail;
  /** A staff action refused for want of the role, or by a rule such as four eyes (`reason`). */
  'staff-action-refused': { action: string; by: string } & Detail;
  /** The helpdesk's recorded identity check before an unlock or reset (AUTH-4). */
  'identity-check': { user: string; by: string; checkId: string; verifiedBy: string; method: string; action: string } & Detail;
  /** One step of an export or import request (DATA-2, DATA-3). */
  transfer: { step: string; id: string; user: string; project: string; sha256: string } & Detail;
  alert: Who & { type: AlertType; severity: AlertSeverity; summary: string } & Detail;
  'clock-check': { skewMs: number; rttMs: number; maxSkewMs: number } & Detail;
  'clock-skew-resolved': { skewMs: number; rttMs: number; maxSkewMs: number } & Detail;
  /** The log was reopened after a crash: lines past the last verified one were set aside (LOG-6). */
  'chain-resumed': { discarded: unknown } & Detail;
}

export type SecurityEventName = keyof SecurityEventFields;

export type SecurityEvent = { [K in SecurityEventName]: { event: K } & SecurityEventFields[K] }[SecurityEventName];

/** One event of a given name (for builders that return a single kind). */
export type SecurityEventOf<K extends SecurityEventName> = { event: K } & SecurityEventFields[K];

/** Every name, at run time (the console's event picker): the check below fails to compile if one is missing. */
export const SECURITY_EVENT_NAMES = [
  'login-success',
  'login-failed',
  'account-locked',
  'initial-password-used',
  'password-changed',
  'password-change-failed',
  'password-reset-failed',
  'password-reset-completed',
  'totp-enrolled',
  'totp-enrolment-failed',
  'session-end',
  'session-terminal-mismatch',
  'staff-action',
  'staff-action-refused',
  'identity-check',
  'transfer',
  'alert',
  'clock-check',
  'clock-skew-resolved',
  'chain-resumed',
] as const satisfies readonly SecurityEventName[];

type Unlisted = Exclude<SecurityEventName, (typeof SECURITY_EVENT_NAMES)[number]>;
const everyNameListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyNameListed;
