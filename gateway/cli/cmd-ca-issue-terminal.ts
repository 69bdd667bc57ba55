import { join } from 'node:path';
import { assertTerminalIdFree, enrolTerminal, terminalView } from '../terminals/index.js';
import { withCaCli } from './ca-cli.js';
import { formatCertificate, formatTerminal } from './ca-format.js';
import {
  assertAbsent,
  daysOption,
  listOption,
  TERMINAL_REQUEST_OPTIONS,
  requiredOption,
  stringOption,
  writeNewFile,
} from './ca-options.js';
import { output, type Command } from './command.js';

/**
 * `hic ca issue-terminal`: a terminal certificate whose key the CA makes, handed over as a PKCS#12 bundle with a
 * generated password (for browsers), and the terminal's entry in the register (HIC GL 第5-1: who requested it,
 * when, for which site and projects, validity). The password is printed once and stored nowhere.
 */
export const caIssueTerminalCommand: Command = {
  name: 'ca issue-terminal',
  summary: 'Registers a terminal and issues its certificate as a PKCS#12 bundle with a generated password.',
  usage: `usage: hic ca issue-terminal --terminal ID --site SITE [--project P]... [--out FILE.p12] [--pem]
                             [--days N] [--requested-by NAME] [--note TEXT] [--home DIR] [--json]
  --terminal ID        register id and certificate CN (letters, digits, . _ -; at most 64)
  --site SITE          the terminal's site (certificate OU)
  --project P          project the terminal is used for (repeatable; none = staff terminal)
  --out FILE.p12       where to write the bundle (default <state dir>/terminals/ID.p12, mode 0600, never overwritten)
  --pem                also write the certificate and its key as PEM next to it, for scripts (curl --cert/--key):
                       FILE.cert.pem (0644) and FILE.key.pem (0600, unencrypted: protect it like the bundle)
  --days N             validity in days (default 365)
  --requested-by NAME  who asked for the terminal (default: the operator, HIC_OPERATOR or $USER)
The store comes from REDIS_URL (and HIC_STORE_PREFIX).`,
  options: { ...TERMINAL_REQUEST_OPTIONS, pem: { type: 'boolean' } },
  async run({ values, json }) {
    const terminalId = requiredOption(values, 'terminal');
    const site = requiredOption(values, 'site');
    const projects = listOption(values, 'project');
    const validityDays = daysOption(values);
    return withCaCli({ store: true, ca: true }, async (cli) => {
      const out = stringOption(values, 'out') ?? join(cli.ctx.home, 'terminals', `${terminalId}.p12`);
      const pem = values.pem === true ? pemFiles(out) : null;
      const asked = { terminalId, site, projects, file: out, ...(pem ? { pem: pem.cert } : {}) };
      const result = await cli.attempt('ca.issue-terminal', asked, async () => {
        await assertTerminalIdFree(cli.deps.stores, terminalId);
        await assertAbsent(out);
        if (pem) {
          await assertAbsent(pem.cert);
          await assertAbsent(pem.key);
        }
        const enrolled = await enrolTerminal(cli.deps, {
          terminalId,
          site,
          projects,
          validityDays,
          by: cli.ctx.operator,
          requestedBy: stringOption(values, 'requested-by'),
          note: stringOption(values, 'note'),
        });
        await writeNewFile(out, enrolled.p12!, 0o600);
        if (pem) {
          await writeNewFile(pem.cert, enrolled.certificate.certPem, 0o644);
          await writeNewFile(pem.key, enrolled.keyPem!, 0o600);
        }
        return enrolled;
      });
      const view = terminalView(result.terminal, cli.ctx.clock.now());
      await cli.audit('ca.issue-terminal', {
        ...asked,
        serial: view.serial,
        fingerprint: view.fingerprint,
        notAfter: view.notAfter,
        requestedBy: view.requestedBy,
      });
      const data = {
        ok: true,
        terminal: view,
        certificate: { ...result.certificate, certPem: undefined },
        p12File: out,
        p12Password: result.p12Password,
        ...(pem ? { certPemFile: pem.cert, keyPemFile: pem.key } : {}),
      };
      output(
        json,
        data,
        [
          formatTerminal(view),
          formatCertificate(result.certificate),
          `PKCS#12 bundle ${out}`,
          `PKCS#12 password ${result.p12Password}`,
          ...(pem ? [`PEM certificate ${pem.cert}`, `PEM key         ${pem.key} (unencrypted, mode 0600)`] : []),
          'Hand the password to the terminal administrator separately from the file; it is not stored anywhere.',
        ].join('\n'),
      );
    });
  },
};

/** FILE.p12 → FILE.cert.pem and FILE.key.pem (the demo's naming). */
function pemFiles(p12File: string): { cert: string; key: string } {
  const base = p12File.replace(/\.p12$/i, '');
  return { cert: `${base}.cert.pem`, key: `${base}.key.pem` };
}
