import { join } from 'node:path';
import { assertTerminalIdFree, enrolTerminal, terminalView } from '../terminals/index.js';
import { withCaCli } from './ca-cli.js';
import { formatCertificate, formatTerminal } from './ca-format.js';
import {
  assertAbsent,
  daysOption,
  listOption,
  TERMINAL_REQUEST_OPTIONS,
  readCsrFile,
  requiredOption,
  stringOption,
  writeNewFile,
} from './ca-options.js';
import { output, type Command } from './command.js';

/**
 * `hic ca sign-csr`: certifies a key made on the terminal itself (the private key never leaves it) and registers
 * the terminal. The CSR is checked (self-signature, RSA ≥ 2048 bits, SHA-2); only its public key is used: the
 * names come from the command line, i.e. from the register (HIC GL 第5-1).
 */
export const caSignCsrCommand: Command = {
  name: 'ca sign-csr',
  summary: 'Registers a terminal and certifies the key of its CSR (PKCS#10 made on the terminal).',
  usage: `usage: hic ca sign-csr --csr FILE --terminal ID --site SITE [--project P]... [--out FILE]
                       [--days N] [--requested-by NAME] [--note TEXT] [--home DIR] [--json]
  --csr FILE     PEM certificate request made on the terminal (e.g. openssl req -new -newkey rsa:3072 ...)
  --out FILE     where to write the certificate PEM (default <state dir>/terminals/ID.cert.pem; - = stdout)
The chain to install next to it is <state dir>/ca/ca-bundle.pem. Refused: unparsable CSR, bad signature,
RSA keys under 2048 bits, SHA-1/MD5 signatures, a terminal id already registered, unknown projects.`,
  options: { csr: { type: 'string' }, ...TERMINAL_REQUEST_OPTIONS },
  async run({ values, json }) {
    const csrFile = requiredOption(values, 'csr');
    const terminalId = requiredOption(values, 'terminal');
    const site = requiredOption(values, 'site');
    const projects = listOption(values, 'project');
    const validityDays = daysOption(values);
    return withCaCli({ store: true, ca: true }, async (cli) => {
      const out = stringOption(values, 'out') ?? join(cli.ctx.home, 'terminals', `${terminalId}.cert.pem`);
      const asked = { terminalId, site, projects, csrFile, file: out === '-' ? null : out };
      const result = await cli.attempt('ca.sign-csr', asked, async () => {
        await assertTerminalIdFree(cli.deps.stores, terminalId);
        const csrPem = readCsrFile(csrFile);
        if (out !== '-') await assertAbsent(out);
        const enrolled = await enrolTerminal(cli.deps, {
          terminalId,
          site,
          projects,
          validityDays,
          csrPem,
          by: cli.ctx.operator,
          requestedBy: stringOption(values, 'requested-by'),
          note: stringOption(values, 'note'),
        });
        if (out !== '-') await writeNewFile(out, enrolled.certificate.certPem, 0o644);
        return enrolled;
      });
      const view = terminalView(result.terminal, cli.ctx.clock.now());
      await cli.audit('ca.sign-csr', {
        ...asked,
        serial: view.serial,
        fingerprint: view.fingerprint,
        notAfter: view.notAfter,
        requestedBy: view.requestedBy,
      });
      const data = { ok: true, terminal: view, certificate: result.certificate, certFile: out === '-' ? null : out };
      if (!json && out === '-') {
        process.stdout.write(result.certificate.certPem);
        return;
      }
      output(json, data, [formatTerminal(view), formatCertificate(result.certificate), `certificate file ${out}`].join('\n'));
    });
  },
};
