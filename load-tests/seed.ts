import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_COST, hashPassword, TEST_COST } from '../gateway/accounts/password-hash.js';
import { SecretBox } from '../gateway/accounts/secret-box.js';
import { createAccount } from '../gateway/admin/accounts.js';
import { registerTerminal } from '../gateway/admin/terminals.js';
import { systemClock } from '../gateway/core/clock.js';
import { openStores } from '../gateway/stores/index.js';
import type { BenchTerminal } from './pki.js';
import { BENCH_PROJECT, totpKeyFile } from './targets/gateway.js';

/** A user the load generator can log in as (TOTP computed from the secret at login time). */
export interface BenchUser {
  username: string;
  password: string;
  totpSecret: string;
}

/** The identities the load generator logs in with. */
export interface SeedResult {
  /** Users for steady-state sessions: hashed at the cheap test cost, so that making 200 sessions takes seconds. */
  users: BenchUser[];
  /** Users for the login storm: their hash has the production argon2id cost, which is what the storm measures. */
  stormUsers: BenchUser[];
}

/**
 * Seeds the gateway's Redis namespace the way an administrator would (register terminals, create accounts),
 * through the store and the same TOTP key file the gateway uses. One TOTP code is accepted once per user and
 * time step (replay guard), so every session and every storm login needs a user of its own.
 */
export async function seedGateway(opts: {
  redisUrl: string;
  prefix: string;
  stateDir: string;
  terminals: BenchTerminal[];
  users: number;
  stormUsers: number;
}): Promise<SeedResult> {
  const stores = await openStores({ kind: 'redis', url: opts.redisUrl, prefix: opts.prefix, allowMemory: false }, systemClock);
  try {
    const keyFile = totpKeyFile(opts.stateDir);
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    const deps = { stores, secretBox: await SecretBox.loadOrCreate(keyFile), hashCost: TEST_COST, clock: systemClock };
    for (const t of opts.terminals) {
      await registerTerminal(stores, systemClock, {
        id: t.id,
        site: 'bench-site',
        projects: [BENCH_PROJECT],
        fingerprint: t.fingerprint,
        serial: t.serial,
        notAfter: new Date(t.notAfter),
        requestedBy: 'bench',
      });
    }
    const make = async (name: string): Promise<BenchUser & { account: Awaited<ReturnType<typeof createAccount>>['account'] }> => {
      const c = await createAccount(deps, {
        username: name,
        roles: ['analyst'],
        project: BENCH_PROJECT,
        initial: false,
        enrolTotp: true,
        replace: true,
      });
      return { username: name, password: c.password, totpSecret: c.totpSecret!, account: c.account };
    };
    const users: BenchUser[] = [];
    for (let i = 0; i < opts.users; i++) users.push(strip(await make(`bench-u${i}`)));
    // One production-cost hash shared by every storm user: seeding pays argon2 once, each login pays it in full.
    const stormPassword = `storm-${Date.now()}-Aa1!`;
    const stormHash = opts.stormUsers > 0 ? await hashPassword(stormPassword, DEFAULT_COST) : '';
    const stormUsers: BenchUser[] = [];
    for (let i = 0; i < opts.stormUsers; i++) {
      const u = await make(`bench-s${i}`);
      await stores.accounts.put({ ...u.account, passwordHash: stormHash });
      stormUsers.push({ username: u.username, password: stormPassword, totpSecret: u.totpSecret });
    }
    return { users, stormUsers };
  } finally {
    await stores.close();
  }
}

function strip(u: BenchUser & { account: unknown }): BenchUser {
  return { username: u.username, password: u.password, totpSecret: u.totpSecret };
}
