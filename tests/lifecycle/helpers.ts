import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request, type Agent } from 'node:https';
import { join } from 'node:path';
import { HIC } from '../audit-review/helpers.js';

import { freePort, until } from '../helpers/wait.js';

export { freePort, until };

export interface GatewayProcess {
  child: ChildProcess;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  demo: any;
}

/** `hic start --demo --workers 1` as its own process (Redis store under `prefix`), once demo.json is written. */
export async function startDemoProcess(home: string, env: Record<string, string>): Promise<GatewayProcess> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('_TAPJS') && k !== 'NODE_OPTIONS'));
  const child = spawn(process.execPath, [HIC, 'start', '--demo', '--workers', '1'], {
    env: { ...base, HIC_HOME: home, HIC_PORT: String(await freePort()), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  await until(() => existsSync(join(home, 'demo.json')) || child.exitCode !== null, 60_000, 'the demo to start');
  if (child.exitCode !== null) throw new Error(`hic start exited: ${stderr}`);
  return { child, stderr: () => stderr, exited, demo: JSON.parse(readFileSync(join(home, 'demo.json'), 'utf8')) };
}

/** What became of one request: `headers` true once the response began; `complete` when every announced byte came. */
export interface Outcome {
  status: number;
  headers: boolean;
  complete: boolean;
  bytes: number;
  length: number;
  error: string | null;
}

/** A GET that records whether the response, once begun, was cut; `onFirstChunk` says when the body has begun. */
export function download(url: string, agent: Agent, cookie: string, opts: { onFirstChunk?: () => void } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { status: 0, headers: false, complete: false, bytes: 0, length: -1, error: null };
    const req = request(url, { agent, headers: { cookie, accept: 'text/plain' } }, (res) => {
      out.status = res.statusCode ?? 0;
      out.headers = true;
      out.length = Number(res.headers['content-length'] ?? -1);
      let first = true;
      res.on('data', (chunk: Buffer) => {
        out.bytes += chunk.length;
        if (first) {
          first = false;
          opts.onFirstChunk?.();
        }
      });
      res.on('end', () => {
        out.complete = out.length < 0 || out.bytes === out.length;
        resolve(out);
      });
      res.on('error', (err) => {
        out.error = err.message;
        resolve(out);
      });
    });
    req.on('error', (err) => {
      out.error ??= err.message;
      resolve(out);
    });
    req.end();
  });
}
