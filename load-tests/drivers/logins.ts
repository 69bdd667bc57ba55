import { currentTotp } from '../../gateway/accounts/totp.js';
import type { BenchTerminal } from '../pki.js';
import type { BenchUser } from '../seed.js';
import { clientTls, postJson } from '../sessions.js';
import { withCpu } from './cpu.js';
import { LatencyRecorder, toResult, type LoadResult } from './latency.js';

/** A login storm against the gateway's JSON login API. */
export interface LoginStorm {
  url: string;
  /** Each user logs in once: a TOTP code is accepted once per user and time step (replay guard). */
  users: BenchUser[];
  terminals: BenchTerminal[];
  ca: string;
  /** Logins in flight at any time. */
  concurrency: number;
  durationS: number;
  cpuPid?: number;
}

/**
 * Full logins (password at the production argon2id cost, TOTP, session created, login recorded durably in the
 * audit log), each over a new TLS connection, `concurrency` at a time until the duration is over or the users
 * run out. "non-2xx" counts logins that did not answer 201.
 */
export function runLoginStorm(storm: LoginStorm): Promise<LoadResult> {
  return withCpu(storm.cpuPid, async () => {
    const rec = new LatencyRecorder();
    let next = 0;
    let failed = 0;
    let errors = 0;
    const started = process.hrtime.bigint();
    const deadline = started + BigInt(Math.round(storm.durationS * 1e9));
    const worker = async (): Promise<void> => {
      while (process.hrtime.bigint() < deadline && next < storm.users.length) {
        const i = next++;
        const user = storm.users[i]!;
        const terminal = storm.terminals[i % storm.terminals.length]!;
        const t0 = process.hrtime.bigint();
        try {
          const body = { username: user.username, password: user.password, totp: currentTotp(user.totpSecret, Date.now()) };
          const res = await postJson(`${storm.url}/_hic/api/session`, body, clientTls(terminal, storm.ca));
          rec.record(Number(process.hrtime.bigint() - t0) / 1e6);
          if (res.status !== 201) failed++;
        } catch {
          errors++;
        }
      }
    };
    await Promise.all(Array.from({ length: storm.concurrency }, worker));
    const durationS = Number(process.hrtime.bigint() - started) / 1e9;
    return toResult('logins (argon2id m=64 MiB, t=3, p=4)', rec, { errors, non2xx: failed, durationS });
  });
}
