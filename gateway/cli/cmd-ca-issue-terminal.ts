import { join } from 'node:path';
import { assertTerminalIdFree, enrolTerminal, terminalView } from '../terminals/index.js';
import { withCaCli } from './ca-cli.js';
import { formatCertificate, formatTerminal } from './ca-format.js';
import { assertAbsent, daysOption, listOption, TERMINAL_REQUEST_OPTIONS, requiredOption, stringOption, writeNewFile } from './ca-options.js';
import { output, type Command } from './command.js';

/**
 * `hic ca issue-terminal`: a terminal certificate whose key the CA makes, handed over as a PKCS#12 bundle with a
 * generated password (for browsers), and the terminal's entry in the register (HIC GL 第5-1: who requested it,
 * when, for which site and projects, validity). The password is printed once and stored nowhere.
 */
export const caIssueTerminalCommand: Command = {
  name: 'ca issue-terminal',
  summary: 'Registers a terminal and issues its certificate as a PKCS#12 bundle with a generated password.',
  usage: `usage: hic ca issue-terminal --terminal ID --site SITE [--project P]... [--out FILE.p12]
                             [--days N] [--requested-by NAME] [--note TEXT] [--home DIR] [--json]
  --terminal ID        register id and certificate CN (letters, digits, . _ -; at most 64)
  --site SITE          the terminal's site (certificate OU)
  --project P          project the terminal is used for (repeatable; none = staff terminal)
  --out FILE.p12       where to write the bundle (default <state dir>/terminals/ID.p12, mode 0600, never overwritten)
  --days N             validity in days (default 365)
  --requested-by NAME  who asked for the terminal (default: the operator, HIC_OPERATOR or $USER)
The store comes from REDIS_URL (and HIC_STORE_PREFIX).`,
  options: TERMINAL_REQUEST_OPTIONS,
  async run({ values, json }) {
    const terminalId = requiredOption(values, 'terminal');
    const site = requiredOption(values, 'site');
    const projects = listOption(values, 'project');
    const validityDays = daysOption(values);
    return withCaCli({ store: true, ca: true }, async (cli) => {
      const out = stringOption(values, 'out') ?? join(cli.ctx.home, 'terminals', `${terminalId}.p12`);
      const asked = { terminalId, site, projects, file: out };
      const result = await cli.attempt('ca.issue-terminal', asked, async () => {
        await assertTerminalIdFree(cli.deps.stores, terminalId);
        await assertAbsent(out);
        const enrolled = await enrolTerminal(cli.deps, {
          terminalId, site, projects, validityDays, by: cli.ctx.operator,
          requestedBy: stringOption(values, 'requested-by'), note: stringOption(values, 'note'),
        });
        await writeNewFile(out, enrolled.p12!, 0o600);
        return enrolled;
      });
      const view = terminalView(result.terminal, cli.ctx.clock.now());
      await cli.audit('ca.issue-terminal', { ...asked, serial: view.serial, fingerprint: view.fingerprint, notAfter: view.notAfter, requestedBy: view.requestedBy });
      const data = { ok: true, terminal: view, certificate: { ...result.certificate, certPem: undefined }, p12File: out, p12Password: result.p12Password };
      output(json, data, [
        formatTerminal(view),
        formatCertificate(result.certificate),
        `PKCS#12 bundle ${out}`,
        `PKCS#12 password ${result.p12Password}`,
        'Hand the password to the terminal administrator separately from the file; it is not stored anywhere.',
      ].join('\n'));
    });
  },
};
