import { generateTotpSecret, totpUri, verifyTotp } from '../accounts/totp.js';
import type { UserDeps } from './deps.js';
import { requireAccount } from './deps.js';

const PENDING_MS = 15 * 60_000;

const pendingKey = (username: string) => `enrol:user:${username}`;

/**
 * TOTP enrolment (AUTH-2): a secret is offered (QR code / otpauth URI) and counts only once the user proves it
 * with a code. Until then it waits, sealed, as the user's one pending secret for 15 minutes: a reload, a second
 * tab or a wrong code shows the same secret again (issue 13: a fresh secret on every load silently broke the
 * entry already scanned into the phone). `SET NX` decides which of two concurrent first loads makes it.
 */
export async function offerEnrolment(deps: UserDeps, username: string): Promise<{ secret: string; uri: string; expiresInMs: number }> {
  const existing = await deps.stores.ephemeral.get(pendingKey(username));
  let sealed = existing;
  if (sealed === null) {
    const candidate = deps.secretBox.seal(generateTotpSecret(), username);
    const claimKey = `${pendingKey(username)}:claim`;
    if (await deps.stores.ephemeral.claim(claimKey, PENDING_MS)) {
      await deps.stores.ephemeral.put(pendingKey(username), candidate, PENDING_MS);
      sealed = candidate;
    } else {
      sealed = await deps.stores.ephemeral.get(pendingKey(username));
      if (sealed === null) {
        // The claim outlived the offer it guarded (both expire together, the claim a moment later): offer anew.
        await deps.stores.ephemeral.put(pendingKey(username), candidate, PENDING_MS);
        sealed = candidate;
      }
    }
  }
  const secret = deps.secretBox.open(sealed, username);
  return { secret, uri: totpUri({ secret, account: username }), expiresInMs: PENDING_MS };
}

/** Confirms the offered secret with a code; returns false when the code (or the offer) is wrong. */
export async function confirmEnrolment(deps: UserDeps, username: string, code: string): Promise<boolean> {
  const sealed = await deps.stores.ephemeral.get(pendingKey(username));
  if (!sealed) return false;
  const secret = deps.secretBox.open(sealed, username);
  const verdict = verifyTotp({ secret, token: code, now: deps.clock.now() });
  if (!verdict.valid || !(await deps.stores.ephemeral.claim(`totp-used:${username}:${verdict.timeStep}`, 90_000))) {
    await deps.audit.security({ event: 'totp-enrolment-failed', user: username });
    return false;
  }
  const account = await requireAccount(deps, username);
  account.totpSecretSealed = sealed;
  account.totpEnrolled = true;
  await deps.stores.accounts.put(account);
  await deps.stores.ephemeral.delete(pendingKey(username));
  await deps.stores.ephemeral.delete(`${pendingKey(username)}:claim`);
  await deps.audit.security({ event: 'totp-enrolled', user: username });
  return true;
}
