import t from 'tap';
import { freePort, until } from '../helpers/wait.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { currentTotp } from '../../gateway/accounts/totp.js';
import { TerminalClient } from '../helpers/client.js';

/** `npm start -- --workspace jupyter`: the demo with a real Jupyter as the analyst's workspace. */
const HIC = resolve('dist/bin/hic.js');

const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('_TAPJS') && k !== 'NODE_OPTIONS' && k !== 'REDIS_URL'),
);

t.test('the demo runs a real Jupyter with a credential only the gateway holds', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'hic-demo-jupyter-'));
  const child = spawn(process.execPath, [HIC, 'start', '--demo', '--workspace', 'jupyter', '--workers', '1'], {
    env: { ...env, HIC_HOME: home, HIC_PORT: String(await freePort()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  t.teardown(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  await until(
    () => existsSync(join(home, 'demo.json')),
    120_000,
    () => `demo.json (${out})`,
  );
  const demo = JSON.parse(readFileSync(join(home, 'demo.json'), 'utf8'));
  t.equal(demo.workspace, 'jupyter', 'demo.json says which workspace');
  t.match(out, /workspace: jupyter/, 'and so do the printed instructions');
  const tokenFile = join(home, 'secrets', 'workspace.token');
  t.equal(statSync(tokenFile).mode & 0o777, 0o600, 'the credential file is 0600');
  const token = readFileSync(tokenFile, 'utf8').trim();
  t.notOk(out.includes(token), 'the token is never printed');
  t.notOk(readFileSync(join(home, 'demo.json'), 'utf8').includes(token), 'nor written to demo.json');
  const term = demo.terminals[0];
  const client = new TerminalClient(demo.url, readFileSync(demo.caCertPem, 'utf8'), {
    cert: readFileSync(term.certPem, 'utf8'),
    key: readFileSync(term.keyPem, 'utf8'),
  });
  t.teardown(() => client.close());
  const login = await client.fetch('/_hic/api/session', {
    method: 'POST',
    body: { username: demo.analyst.username, password: demo.analyst.password, totp: currentTotp(demo.analyst.totpSecret, Date.now()) },
  });
  t.equal(login.status, 201);
  const tree = await client.fetch('/api/contents?type=directory', { headers: { accept: 'application/json' } });
  t.equal(tree.status, 200, 'the Jupyter contents API answers through the gateway');
  t.same(
    tree
      .json()
      .content.map((f: { name: string }) => f.name)
      .sort(),
    ['counts.csv', 'sample.ipynb'],
    'the sample notebook and CSV',
  );
  const csv = await client.fetch('/files/counts.csv', { headers: { accept: 'application/json' } });
  t.equal(csv.status, 403, 'and the boundary holds');
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM stops the gateway and its Jupyter');
});
