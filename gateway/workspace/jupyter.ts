import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HicError } from '../core/errors.js';

/** Debian's Jupyter Notebook (`apt-get install -y jupyter-notebook python3-ipykernel`). */
export const JUPYTER_BIN = '/usr/bin/jupyter-notebook';

export interface JupyterWorkspace {
  url: string;
  notebookDir: string;
  process: ChildProcess;
  close(): Promise<void>;
}

export interface JupyterOptions {
  /** The workspace credential: given to Jupyter through its environment (never on the command line, where `ps` shows it). */
  token: string;
  notebookDir: string;
  port?: number;
  /** Needed when the gateway's public host name is not loopback or `localhost` (docs/workspaces/jupyter.md). */
  allowRemoteAccess?: boolean;
  /** How long to wait for Jupyter to answer (ms). */
  startTimeoutMs?: number;
}

/** A free TCP port on loopback (Jupyter needs a number, not 0). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function answers(url: string, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/api/status`, { headers: { authorization: `token ${token}` }, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/**
 * The command line of a stock Jupyter behind the gateway: exactly the settings docs/workspaces/jupyter.md lists.
 * Exported so the documentation's list and the code that runs it are checked against each other by a test.
 */
export function jupyterArgs(o: { port: number; notebookDir: string; allowRemoteAccess: boolean }): string[] {
  return [
    '--no-browser',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--notebook-dir',
    o.notebookDir,
    '--NotebookApp.terminals_enabled=False',
    ...(o.allowRemoteAccess ? ['--NotebookApp.allow_remote_access=True'] : []),
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
  ];
}

/**
 * Starts a stock Jupyter Notebook from Debian's packages as a project workspace: loopback only, the token held by
 * the gateway, terminals off. Resolves when it answers; rejects with a clear error when it is not installed or
 * does not start.
 */
export async function startJupyter(o: JupyterOptions): Promise<JupyterWorkspace> {
  if (!existsSync(JUPYTER_BIN)) {
    throw new HicError(
      'CONFIG_INVALID',
      `${JUPYTER_BIN} not found: install it with \`apt-get install -y jupyter-notebook python3-ipykernel\``,
    );
  }
  const port = o.port ?? (await freePort());
  mkdirSync(o.notebookDir, { recursive: true, mode: 0o700 });
  const child = spawn(JUPYTER_BIN, jupyterArgs({ port, notebookDir: o.notebookDir, allowRemoteAccess: o.allowRemoteAccess === true }), {
    env: { ...process.env, JUPYTER_TOKEN: o.token, JUPYTER_RUNTIME_DIR: join(o.notebookDir, '..', `.jupyter-runtime-${port}`) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => {
    log = (log + c.toString('utf8')).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new HicError(
        'UPSTREAM_UNAVAILABLE',
        `jupyter-notebook exited (${child.exitCode}): ${log.trim().split('\n').slice(-5).join(' | ')}`,
      );
    if (await answers(url, o.token)) return { url, notebookDir: o.notebookDir, process: child, close };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await close();
  throw new HicError('UPSTREAM_UNAVAILABLE', `jupyter-notebook did not answer within ${o.startTimeoutMs ?? 60_000} ms`);
}

/** A sample notebook and a small CSV of aggregated counts, for the demo (written only when absent). */
export function writeSampleNotebookDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const csv = join(dir, 'counts.csv');
  if (!existsSync(csv)) {
    writeFileSync(csv, '年齢階級,性別,患者数\n40-44,男,120\n40-44,女,98\n45-49,男,143\n45-49,女,110\n');
  }
  const notebook = join(dir, 'sample.ipynb');
  if (!existsSync(notebook)) {
    const cell = (source: string[]) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });
    writeFileSync(
      notebook,
      JSON.stringify(
        {
          cells: [
            {
              cell_type: 'markdown',
              metadata: {},
              source: ['# サンプル / Sample\n', '集計済みの件数表を読み込みます。 Reads the table of aggregated counts.'],
            },
            cell(['1 + 1']),
            cell([
              'import csv\n',
              "rows = list(csv.DictReader(open('counts.csv', encoding='utf-8')))\n",
              "sum(int(r['患者数']) for r in rows)",
            ]),
          ],
          metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
          nbformat: 4,
          nbformat_minor: 5,
        },
        null,
        1,
      ),
    );
  }
}
