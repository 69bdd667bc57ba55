import { describePassword } from '../accounts/password-expiry.js';
import { hashPassword, type HashCost } from '../accounts/password-hash.js';
import type { SecretBox } from '../accounts/secret-box.js';
import { generateTotpSecret, totpUri } from '../accounts/totp.js';
import type { Clock } from '../core/clock.js';
import { HicError } from '../core/errors.js';
import type { Account, Role, Stores } from '../stores/types.js';
import { generatePassword } from './generate-password.js';

/** What a user id may be (shown in every refusal, so the operator knows what is allowed). */
export const USER_ID_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
export const USER_ID_RULE = '1 to 64 characters: letters A-Z a-z, digits 0-9 and . _ @ - (e.g. tanaka.k or sato@lab3)';

export interface AccountDeps {
  stores: Stores;
  secretBox: SecretBox;
  hashCost: HashCost;
  clock: Clock;
}

export interface NewAccount {
  username: string;
  roles: Role[];
  project: string | null;
  displayName?: string;
  /** Issued password that must be changed at first login (AUTH-2); false only for the ready demo account. */
  initial?: boolean;
  /** Enrol a TOTP secret now (demo and tests); otherwise the user enrols at first login. */
  enrolTotp?: boolean;
  /** Replace an existing account of the same name (demo re-seeding only). */
  replace?: boolean;
}

export interface CreatedAccount {
  account: Account;
  /** Shown once to the administrator; never stored or logged. */
  password: string;
  totpSecret: string | null;
  totpUri: string | null;
}

/** Creates an account with a generated password (nobody chooses it) and optionally an enrolled authenticator. */
export async function createAccount(deps: AccountDeps, input: NewAccount): Promise<CreatedAccount> {
  if (!USER_ID_PATTERN.test(input.username)) throw new HicError('BAD_REQUEST', `invalid user id "${input.username}": use ${USER_ID_RULE}`);
  const password = generatePassword(16);
  const totpSecret = input.enrolTotp ? generateTotpSecret() : null;
  const now = deps.clock.now();
  const account: Account = {
    username: input.username,
    ...(input.displayName ? { displayName: input.displayName } : {}),
    roles: input.roles,
    project: input.project,
    status: 'active',
    passwordHash: await hashPassword(password, deps.hashCost),
    passwordMeta: { changedAt: now, ...describePassword(password), initial: input.initial ?? true },
    passwordHistory: [],
    totpSecretSealed: totpSecret ? deps.secretBox.seal(totpSecret, input.username) : null,
    totpEnrolled: totpSecret !== null,
    lockedAt: null,
    createdAt: now,
  };
  if (input.replace) await deps.stores.accounts.put(account);
  else if (!(await deps.stores.accounts.create(account))) throw new HicError('CONFLICT', `user ${input.username} already exists`);
  return {
    account,
    password,
    totpSecret,
    totpUri: totpSecret ? totpUri({ secret: totpSecret, account: input.username }) : null,
  };
}
