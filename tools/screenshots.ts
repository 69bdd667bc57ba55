/**
 * `npm run screenshots`: regenerates docs/screenshots/ — one picture per gateway page, in Japanese — from a fresh
 * `hic start --demo` (memory store, a temporary state dir, a free port) driven by Debian's Chromium with the demo's
 * terminal certificates. Needs a CJK font (fonts-noto-cjk; `.ci/run` installs it) or Japanese renders as boxes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from './chromium.js';
import { currentTotp } from '../gateway/accounts/totp.js';
import type { DemoInfo, DemoTerminal } from '../gateway/demo/demo.js';

const OUT = resolve('docs/screenshots');

async function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function startDemo(): Promise<{ info: DemoInfo; stop(): void }> {
  const home = mkdtempSync(join(tmpdir(), 'hic-shots-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/bin/hic.js', 'start', '--demo'], {
    env: { ...process.env, HIC_HOME: home, HIC_PORT: String(port), REDIS_URL: '' },
    stdio: 'ignore',
  });
  const file = join(home, 'demo.json');
  for (let i = 0; i < 600 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(file)) throw new Error('the demo did not start within a minute');
  return { info: JSON.parse(readFileSync(file, 'utf8')) as DemoInfo, stop: () => child.kill('SIGTERM') };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is needed (apt-get install chromium fonts-noto-cjk)`);
  mkdirSync(OUT, { recursive: true });
  const demo = await startDemo();
  const { info } = demo;
  const browser: Browser = await launchChromium();
  const shots: string[] = [];
  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    shots.push(name);
  };
  const contextFor = (t: DemoTerminal | null) =>
    browser.newContext({
      ignoreHTTPSErrors: true,
      locale: 'ja-JP',
      viewport: { width: 1100, height: 760 },
      ...(t ? { clientCertificates: [{ origin: info.url, certPath: t.certPem, keyPath: t.keyPem }] } : {}),
    });
  const login = async (page: Page, username: string, password: string, totpSecret: string | null, next = '') => {
    await page.goto(`${info.url}/_hic/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
    await page.fill('#username', username);
    await page.fill('#password', password);
    await page.click('button[type=submit]');
    if (totpSecret) {
      await page.waitForURL(/\/_hic\/login\/totp$/);
      await page.fill('#code', currentTotp(totpSecret, Date.now()));
      await page.click('button[type=submit]');
    }
  };
  try {
    const none = await (await contextFor(null)).newPage();
    await none.goto(`${info.url}/`);
    await shot(none, '01-no-certificate-403');

    const analyst = await (await contextFor(info.terminals[0]!)).newPage();
    await analyst.goto(`${info.url}/_hic/login`);
    await shot(analyst, '02-login');
    await analyst.fill('#username', info.analyst.username);
    await analyst.fill('#password', 'not-the-password');
    await analyst.click('button[type=submit]');
    await shot(analyst, '03-login-failed-with-hint');
    await analyst.goto(`${info.url}/_hic/reset`);
    await analyst.fill('#username', info.analyst.username);
    await analyst.fill('#next', 'Kx9#mQ2');
    await analyst.fill('#confirm', 'Kx9#mQ2');
    await shot(analyst, '04-reset-live-rules');

    const first = await (await contextFor(info.terminals[1]!)).newPage();
    await login(first, info.firstLogin.username, info.firstLogin.password, null);
    await first.waitForURL(/\/_hic\/password$/);
    await first.fill('#current', info.firstLogin.password);
    await first.fill('#next', 'Zt8!wQ3#mV6p');
    await first.fill('#confirm', 'Zt8!wQ3#mV6p');
    await shot(first, '05-first-login-password');
    await first.click('button[type=submit]');
    await first.waitForURL(/\/_hic\/enrol$/);
    await shot(first, '06-enrol-authenticator');

    await login(analyst, info.analyst.username, info.analyst.password, info.analyst.totpSecret);
    await analyst.waitForURL(`${info.url}/`);
    await analyst.goto(`${info.url}/_hic/logout`);
    await shot(analyst, '07-logout');

    const staffTerminal = info.staff.terminal;
    const hd = await (await contextFor(staffTerminal)).newPage();
    await login(hd, info.staff.helpdesk.username, info.staff.helpdesk.password, info.staff.helpdesk.totpSecret);
    await hd.waitForURL(/\/_hic\/helpdesk\/$/);
    await hd.goto(`${info.url}/_hic/helpdesk/?q=analyst`);
    await shot(hd, '08-helpdesk-find');
    await hd.goto(`${info.url}/_hic/helpdesk/users/${info.analyst.username}`);
    await shot(hd, '09-helpdesk-account');

    const sec = await (await contextFor(staffTerminal)).newPage();
    await login(sec, info.staff.security.username, info.staff.security.password, info.staff.security.totpSecret);
    await sec.waitForURL(/\/_hic\/security\/$/);
    await sec.goto(`${info.url}/_hic/security/?since=24h`);
    await shot(sec, '10-security-console');

    const admin = await (await contextFor(staffTerminal)).newPage();
    await login(admin, info.staff.administrator.username, info.staff.administrator.password, info.staff.administrator.totpSecret);
    await admin.waitForURL(/\/_hic\/admin\/$/);
    await admin.goto(`${info.url}/_hic/`);
    await shot(admin, '11-portal');
    await adminPages(admin, info.url, shot);
    await securityPages(sec, info.url, info.analyst.username, shot);
  } finally {
    await browser.close();
    demo.stop();
  }
  process.stdout.write(`${shots.length} screenshots in ${OUT}: ${shots.join(', ')}\n`);
}

type Shot = (page: Page, name: string) => Promise<void>;

/** The administration pages: start page, projects, one project, an account added (password once), a terminal issued. */
async function adminPages(admin: Page, url: string, shot: Shot): Promise<void> {
  await shot(admin, '12-admin-home');
  await admin.goto(`${url}/_hic/admin/projects`);
  await shot(admin, '13-admin-projects');
  await admin.click('#projects tbody tr:first-child a');
  await shot(admin, '14-admin-project');
  await admin.goto(`${url}/_hic/admin/accounts`);
  await admin.fill('#a-username', 'sato.k');
  await admin.fill('#a-name', '佐藤 健');
  await admin.check('input[name=roles][value=analyst]');
  await admin.selectOption('#a-project', { index: 1 });
  await admin.click('#account-add');
  await admin.waitForSelector('#initial-password');
  await shot(admin, '15-admin-account-added');
  await admin.goto(`${url}/_hic/admin/terminals`);
  await admin.fill('#t-id', 'lab3-pc07');
  await admin.fill('#t-site', 'lab-3');
  await admin.check('input[name=projects] >> nth=0');
  await admin.click('#terminal-issue');
  await admin.waitForSelector('#p12-password');
  await shot(admin, '16-admin-terminal-issued');
  await admin.goto(`${url}/_hic/admin/terminals/lab3-pc07`);
  await shot(admin, '17-admin-terminal');
}

/** The security console's review pages: alerts, a user's sessions, one timeline, the account with suspension. */
async function securityPages(sec: Page, url: string, analyst: string, shot: Shot): Promise<void> {
  await sec.goto(`${url}/_hic/security/alerts`);
  await shot(sec, '18-security-alerts');
  await sec.goto(`${url}/_hic/security/sessions?user=${encodeURIComponent(analyst)}`);
  await shot(sec, '19-security-sessions');
  if ((await sec.locator('#sessions a').count()) > 0) {
    await sec.click('#sessions tbody tr:first-child a');
    await shot(sec, '20-security-timeline');
  }
  await sec.goto(`${url}/_hic/security/users/${encodeURIComponent(analyst)}`);
  await shot(sec, '21-security-user');
}

main().catch((err: unknown) => {
  process.stderr.write(`screenshots: ${(err as Error).message}\n`);
  process.exitCode = 1;
});
