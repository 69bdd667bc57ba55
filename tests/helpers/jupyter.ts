import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type WebSocket from 'ws';
import { startJupyter, writeSampleNotebookDir, type JupyterWorkspace } from '../../gateway/workspace/jupyter.js';
import type { TerminalClient, Reply } from './client.js';

/** A stock Jupyter from Debian's packages on a free port: token generated, notebook dir in a temp folder. */
export async function startTestJupyter(): Promise<{ jupyter: JupyterWorkspace; credentialFile: string; dir: string; token: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hic-jupyter-'));
  const token = randomBytes(24).toString('hex');
  const credentialFile = join(dir, 'workspace.token');
  writeFileSync(credentialFile, token + '\n', { mode: 0o600 });
  const notebookDir = join(dir, 'notebooks');
  writeSampleNotebookDir(notebookDir);
  const jupyter = await startJupyter({ token, notebookDir, startTimeoutMs: 90_000 });
  return { jupyter, credentialFile, dir, token };
}

/**
 * Requests as Jupyter's own front end makes them in a browser: same-origin `Origin`, the `_xsrf` cookie echoed in
 * `X-XSRFToken`, JSON.
 */
export class BrowserLike {
  constructor(
    readonly client: TerminalClient,
    readonly origin: string,
  ) {}

  async page(path: string): Promise<Reply> {
    return this.client.fetch(path, { headers: { accept: 'text/html', 'sec-fetch-mode': 'navigate' } });
  }

  async api(method: string, path: string, body?: object, extra: Record<string, string> = {}): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest', ...extra };
    const xsrf = this.client.cookies.get('_xsrf');
    if (xsrf !== undefined) headers['x-xsrftoken'] = xsrf;
    if (method !== 'GET' && method !== 'HEAD' && !('origin' in extra)) headers.origin = this.origin;
    return this.client.fetch(path, { method, headers, ...(body !== undefined ? { body } : {}) });
  }

  kernelSocket(kernelId: string, sessionId: string, origin = this.origin): WebSocket {
    return this.client.websocket(`/api/kernels/${kernelId}/channels?session_id=${sessionId}`, { origin });
  }
}

/** Runs `code` on the kernel over its WebSocket and resolves with the `text/plain` of the execute_result. */
export function execute(ws: WebSocket, sessionId: string, code: string, timeoutMs = 60_000): Promise<string> {
  const msgId = randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no execute_result for ${code} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(String(data)) as {
        msg_type: string;
        parent_header: { msg_id?: string };
        content: { data?: Record<string, string>; ename?: string };
      };
      if (msg.parent_header.msg_id !== msgId) return;
      if (msg.msg_type === 'execute_result' || msg.msg_type === 'error') {
        clearTimeout(timer);
        ws.off('message', onMessage);
        if (msg.msg_type === 'error') reject(new Error(`kernel error ${String(msg.content.ename)}`));
        else resolve(msg.content.data?.['text/plain'] ?? '');
      }
    };
    ws.on('message', onMessage);
    ws.send(
      JSON.stringify({
        header: {
          msg_id: msgId,
          username: 'test',
          session: sessionId,
          msg_type: 'execute_request',
          version: '5.3',
          date: new Date().toISOString(),
        },
        parent_header: {},
        metadata: {},
        content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
        channel: 'shell',
        buffers: [],
      }),
    );
  });
}

export function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

export function closedWithin(ws: WebSocket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (ws.readyState === ws.CLOSED) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
