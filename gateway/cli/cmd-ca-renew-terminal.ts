import { join } from 'node:path';
import { findTerminal, renewTerminal, terminalView } from '../terminals/index.js';
import { withCaCli } from './ca-cli.js';
import { formatCertificate, formatTerminal } from './ca-format.js';
import { assertAbsent, daysOption, readCsrFile, requiredOption, stringOption, writeNewFile } from './ca-options.js';
import { output, type Command } from './command.js';

/**
 * `hic ca renew-terminal`: a new certificate for a registered terminal before its current one expires. The
 * register entry (id, site, projects, requester, history) stays; the old certificate is superseded, goes on the
 * CRL and stops working at once on every instance.
 */
export const caRenewTerminalCommand: Command = {
  name: 'ca renew-terminal',
  summary: 'Renews a terminal certificate (PKCS#12, or from a new CSR); the register entry is kept.',
  usage: `usage: hic ca renew-terminal --terminal ID [--csr FILE] [--out FILE] [--days N] [--note TEXT] [--home DIR] [--json]
  without --csr  a new key and PKCS#12 bundle (default <state dir>/terminals/ID-<serial>.p12) with a printed password
  with --csr     the certificate PEM (default <state dir>/terminals/ID-<serial>.cert.pem)
The previous certificate is marked superseded, listed on the CRL, and its connections and sessions are ended:
renew when the terminal is ready to install the new one. See \`hic ca list --expiring-within 30d\`.`,
  options: {
    terminal: { type: 'string' },
    csr: { type: 'string' },
    out: { type: 'string' },
    days: { type: 'string' },
    note: { type: 'string' },
  },
  async run({ values, json }) {
    const terminalId = requiredOption(values, 'terminal');
    const csrFile = stringOption(values, 'csr');
    const validityDays = daysOption(values);
    return withCaCli({ store: true, ca: true }, async (cli) => {
      const explicitOut = stringOption(values, 'out');
      const asked = { terminalId, csrFile: csrFile ?? null, file: explicitOut ?? null };
      let out = '';
      const result = await cli.attempt('ca.renew-terminal', asked, async () => {
        const csrPem = csrFile === undefined ? undefined : readCsrFile(csrFile);
        const before = await findTerminal(cli.deps.stores, terminalId);
        // Default file names carry the new serial, so the bundle of the previous certificate is never overwritten.
        if (explicitOut !== undefined) await assertAbsent(explicitOut);
        const renewed = await renewTerminal(cli.deps, {
          terminalId: before.id,
          csrPem,
          validityDays,
          by: cli.ctx.operator,
          note: stringOption(values, 'note'),
        });
        const ext = renewed.p12 ? 'p12' : 'cert.pem';
        out = explicitOut ?? join(cli.ctx.home, 'terminals', `${before.id}-${renewed.certificate.serial.slice(0, 8)}.${ext}`);
        await writeNewFile(out, renewed.p12 ?? renewed.certificate.certPem, renewed.p12 ? 0o600 : 0o644);
        return renewed;
      });
      const view = terminalView(result.terminal, cli.ctx.clock.now());
      await cli.audit('ca.renew-terminal', {
        ...asked,
        file: out,
        serial: view.serial,
        fingerprint: view.fingerprint,
        previousSerial: result.previous.serial,
        sessionsEnded: result.sessionsEnded,
      });
      const data = {
        ok: true,
        terminal: view,
        certificate: { ...result.certificate, certPem: result.p12 ? undefined : result.certificate.certPem },
        previousSerial: result.previous.serial,
        sessionsEnded: result.sessionsEnded,
        ...(result.p12 ? { p12File: out, p12Password: result.p12Password } : { certFile: out }),
      };
      output(
        json,
        data,
        [
          formatTerminal(view),
          formatCertificate(result.certificate),
          `superseded    ${result.previous.serial} (on the CRL; ${result.sessionsEnded} session(s) ended)`,
          result.p12 ? `PKCS#12 bundle ${out}\nPKCS#12 password ${result.p12Password}` : `certificate file ${out}`,
        ].join('\n'),
      );
    });
  },
};
