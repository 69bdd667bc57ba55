import { generateTotpSecret, totpUri, verifyTotp } from '../accounts/totp.js';
import type { UserDeps } from './deps.js';
import { requireAccount } from './deps.js';
import { EphemeralKeys } from '../stores/ephemeral-keys.js';

/**
 * TOTP enrolment (AUTH-2): a secret is offered (QR code / otpauth URI) and counts only once the user proves it
 * with a code. Until then it waits, sealed, as the user's one pending secret for 15 minutes: a reload, a second
 * tab or a wrong code shows the same secret again (issue 13: a fresh secret on every load silently broke the
 * entry already scanned into the phone). `SET NX` decides which of two concurrent first loads makes it.
 */
export async function offerEnrolment(deps: UserDeps, username: string): Promise<{ secret: string; uri: string; expiresInMs: number }> {
  const existing = await deps.stores.ephemeral.get(EphemeralKeys.enrolmentOffer.key(username));
  let sealed = existing;
  if (sealed === null) {
    const candidate = deps.secretBox.seal(generateTotpSecret(), username);
    const claimKey = EphemeralKeys.enrolmentClaim.key(username);
    if (await deps.stores.ephemeral.claim(claimKey, EphemeralKeys.enrolmentOffer.ttlMs)) {
      await deps.stores.ephemeral.put(EphemeralKeys.enrolmentOffer.key(username), candidate, EphemeralKeys.enrolmentOffer.ttlMs);
      sealed = candidate;
    } else {
      sealed = await deps.stores.ephemeral.get(EphemeralKeys.enrolmentOffer.key(username));
      if (sealed === null) {
        // The claim outlived the offer it guarded (both expire together, the claim a moment later): offer anew.
        await deps.stores.ephemeral.put(EphemeralKeys.enrolmentOffer.key(username), candidate, EphemeralKeys.enrolmentOffer.ttlMs);
        sealed = candidate;
      }
    }
  }
  const secret = deps.secretBox.open(sealed, username);
  return { secret, uri: totpUri({ secret, account: username }), expiresInMs: EphemeralKeys.enrolmentOffer.ttlMs };
}

/** Confirms the offered secret with a code; returns false when the code (or the offer) is wrong. */
export async function confirmEnrolment(deps: UserDeps, username: string, code: string): Promise<boolean> {
  const sealed = await deps.stores.ephemeral.get(EphemeralKeys.enrolmentOffer.key(username));
  if (!sealed) return false;
  const secret = deps.secretBox.open(sealed, username);
  const verdict = verifyTotp({ secret, token: code, now: deps.clock.now() });
  if (
    !verdict.valid ||
    !(await deps.stores.ephemeral.claim(EphemeralKeys.totpUsed.key(username, verdict.timeStep), EphemeralKeys.totpUsed.ttlMs))
  ) {
    await deps.audit.security({ event: 'totp-enrolment-failed', user: username });
    return false;
  }
  const account = await requireAccount(deps, username);
  account.totpSecretSealed = sealed;
  account.totpEnrolled = true;
  await deps.stores.accounts.put(account);
  await deps.stores.ephemeral.delete(EphemeralKeys.enrolmentOffer.key(username));
  await deps.stores.ephemeral.delete(EphemeralKeys.enrolmentClaim.key(username));
  await deps.audit.security({ event: 'totp-enrolled', user: username });
  return true;
}
