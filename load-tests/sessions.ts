import { request } from 'node:https';
import { currentTotp } from '../gateway/accounts/totp.js';
import { SESSION_COOKIE } from '../gateway/sessions/cookies.js';
import type { BenchTerminal } from './pki.js';
import type { BenchUser } from './seed.js';

/** The TLS options a load client uses: the terminal's certificate and our CA (autocannon passes them to tls.connect). */
export function clientTls(terminal: BenchTerminal, ca: string): { cert: string; key: string; ca: string } {
  return { cert: terminal.cert, key: terminal.key, ca };
}

/** POSTs JSON over a fresh TLS connection with the terminal's certificate; resolves with status and Set-Cookie. */
export function postJson(
  url: string,
  body: unknown,
  tls: { cert: string; key: string; ca: string },
): Promise<{ status: number; cookies: string[] }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', ...tls, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, cookies: [res.headers['set-cookie'] ?? []].flat() }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** The `name=value` part of the named Set-Cookie line, as a Cookie header. */
function cookieOf(lines: string[], name: string): string | null {
  for (const line of lines) {
    const pair = line.split(';')[0]!;
    if (pair.startsWith(`${name}=`)) return pair;
  }
  return null;
}

/** Logs in to the gateway through the JSON API (password + TOTP); returns the Cookie header of the session. */
export async function gatewayLogin(base: string, user: BenchUser, terminal: BenchTerminal, ca: string): Promise<string> {
  const res = await postJson(
    `${base}/_hic/api/session`,
    { username: user.username, password: user.password, totp: currentTotp(user.totpSecret, Date.now()) },
    clientTls(terminal, ca),
  );
  const cookie = cookieOf(res.cookies, SESSION_COOKIE);
  if (res.status !== 201 || !cookie) throw new Error(`gateway login of ${user.username} failed: HTTP ${res.status}`);
  return cookie;
}

/** Creates a session on the express alternative (its /login has no password check: not what is measured). */
export async function expressLogin(base: string, user: string, terminal: BenchTerminal, ca: string): Promise<string> {
  const res = await postJson(`${base}/login`, { user }, clientTls(terminal, ca));
  const cookie = cookieOf(res.cookies, 'sid');
  if (res.status !== 201 || !cookie) throw new Error(`express login of ${user} failed: HTTP ${res.status}`);
  return cookie;
}
