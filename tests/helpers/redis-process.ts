import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A private redis-server on `port` (loopback, nothing kept on disk) for tests that stop and restart their store:
 * the shared one on 6379 is never touched. Resolves once it accepts connections.
 */
export function startPrivateRedis(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve(child);
    });
    child.on('error', reject);
  });
}
