import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CLAMD = '/usr/sbin/clamd';

/** The EICAR anti-virus test file (not a virus; every scanner is meant to detect it). */
export const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

export interface TestClamd {
  socket: string;
  dir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(socket);
    let answer = '';
    s.setTimeout(1_000, () => s.destroy());
    s.on('error', () => resolve(false));
    s.on('data', (d) => (answer += d.toString()));
    s.on('close', () => resolve(answer.replace(/\0/g, '').trim() === 'PONG'));
    s.on('connect', () => s.write('zPING\0'));
  });
}

/**
 * A private clamd on a unix socket in a temp dir, with a signature database the test writes: one MD5 hash
 * signature (.hdb: MD5:SIZE:Name) for the EICAR string, since signature updates cannot be fetched here.
 */
export function testClamd(): TestClamd {
  const dir = mkdtempSync(join(tmpdir(), 'hic-clamd-'));
  const db = join(dir, 'db');
  mkdirSync(db);
  const md5 = createHash('md5').update(EICAR).digest('hex');
  writeFileSync(join(db, 'hic-test.hdb'), `${md5}:${Buffer.byteLength(EICAR)}:Hic.Test.EICAR\n`);
  const socket = join(dir, 'clamd.sock');
  const conf = join(dir, 'clamd.conf');
  writeFileSync(
    conf,
    [
      `LocalSocket ${socket}`,
      `DatabaseDirectory ${db}`,
      'Foreground yes',
      `LogFile ${join(dir, 'clamd.log')}`,
      `TemporaryDirectory ${dir}`,
      'StreamMaxLength 64M',
    ].join('\n') + '\n',
  );
  let child: ChildProcess | null = null;
  return {
    socket,
    dir,
    async start() {
      child = spawn(CLAMD, ['--config-file', conf], { stdio: 'ignore' });
      // Bounded wait for the daemon to load its database and answer PING (an external process, not test logic).
      for (let i = 0; i < 300; i++) {
        if (existsSync(socket) && (await ping(socket))) return;
        if (child.exitCode !== null) throw new Error(`clamd exited (${child.exitCode}); see ${dir}/clamd.log`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('clamd did not answer PING within 30 s');
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    },
  };
}
