import t from 'tap';
import { readFileSync } from 'node:fs';
import { jupyterArgs } from '../../gateway/workspace/jupyter.js';

/** The settings docs/workspaces/jupyter.md tells operators to use are the ones the tests and the demo run with. */
t.test('the documented Jupyter command line is the one the code runs', async (t) => {
  const doc = readFileSync('docs/workspaces/jupyter.md', 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(doc)![1]!;
  const documented = new Set(block.match(/--[A-Za-z][\w.-]*(?:=\w+)?/g));
  const run = jupyterArgs({ port: 8888, notebookDir: '/srv/study-001', allowRemoteAccess: false }).filter(
    (a) => a.startsWith('--') && a !== '--allow-root',
  );
  t.same([...run].sort(), [...documented].sort(), 'the same flags');
  t.match(block, /JUPYTER_TOKEN=/, 'the token through the environment');
  t.notMatch(block, /NotebookApp\.token|allow_origin|disable_check_xsrf/, 'no token on the command line, no origin or XSRF switches');
  t.ok(
    jupyterArgs({ port: 1, notebookDir: '/x', allowRemoteAccess: true }).includes('--NotebookApp.allow_remote_access=True'),
    'remote access only when asked',
  );
  t.match(doc, /--NotebookApp\.allow_remote_access=True/, 'and documented');
});
