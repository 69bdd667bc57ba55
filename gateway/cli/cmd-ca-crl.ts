import { writeFileSync } from 'node:fs';
import { crlDer, publishCrl, requireAuthority } from '../terminals/index.js';
import { withCaCli } from './ca-cli.js';
import { stringOption } from './ca-options.js';
import { output, type Command } from './command.js';

/**
 * `hic ca crl`: re-signs the CRL from the register (RFC 5280 section 5) and publishes it to the shared store,
 * from where every gateway serves it at /_hic/crl. Revocation and renewal do this by themselves; run it from
 * cron (daily) to keep nextUpdate ahead when no gateway instance holds the CA.
 */
export const caCrlCommand: Command = {
  name: 'ca crl',
  summary: 'Re-signs and publishes the CRL; prints it (PEM) or writes it to a file.',
  usage: `usage: hic ca crl [--out FILE] [--der] [--home DIR] [--json]
  --out FILE   also write the CRL to FILE (replaced: a CRL is public)
  --der        DER instead of PEM (for --out)
Gateways serve the published CRL without authentication at /_hic/crl (DER) and /_hic/crl.pem.`,
  options: { out: { type: 'string' }, der: { type: 'boolean' } },
  async run({ values, json }) {
    const out = stringOption(values, 'out');
    return withCaCli({ store: true, ca: true }, async (cli) => {
      const crl = await cli.attempt('ca.crl', {}, () =>
        publishCrl({ stores: cli.deps.stores, clock: cli.deps.clock, authority: requireAuthority(cli.deps) }),
      );
      if (out !== undefined) writeFileSync(out, values.der === true ? crlDer(crl.pem) : crl.pem, { mode: 0o644 });
      await cli.audit('ca.crl', { crlNumber: crl.number, entries: crl.entries, file: out ?? null });
      const data = {
        ok: true,
        number: crl.number,
        thisUpdate: new Date(crl.thisUpdate).toISOString(),
        nextUpdate: new Date(crl.nextUpdate).toISOString(),
        entries: crl.entries,
        file: out ?? null,
        pem: crl.pem,
      };
      if (!json && out === undefined) {
        process.stdout.write(crl.pem);
        return;
      }
      output(json, data, `CRL #${crl.number}: ${crl.entries} revoked certificate(s), next update ${data.nextUpdate}; written to ${out}`);
    });
  },
};
