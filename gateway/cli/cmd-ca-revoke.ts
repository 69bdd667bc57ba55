import { revokeTerminal, terminalView, TERMINAL_REVOCATION_REASONS } from '../terminals/index.js';
import { withCaCli } from './ca-cli.js';
import { formatTerminal } from './ca-format.js';
import { requiredOption, stringOption } from './ca-options.js';
import { output, UsageError, type Command } from './command.js';

/**
 * `hic ca revoke`: stops a terminal certificate everywhere at once. The register is changed first (new TLS
 * connections are refused from that moment), then every gateway instance hears 'terminal-revoked' over Redis
 * pub/sub and cuts the connections and WebSockets made with it; its sessions end; the CRL is re-signed.
 */
export const caRevokeCommand: Command = {
  name: 'ca revoke',
  summary: 'Revokes a terminal certificate on every gateway instance at once (by serial or terminal id).',
  usage: `usage: hic ca revoke (--serial S | --terminal ID) --reason R [--note TEXT] [--home DIR] [--json]
  --reason R   one of ${TERMINAL_REVOCATION_REASONS.join(', ')} (RFC 5280 5.3.1)
  --note TEXT  free text kept in the register and the audit log (e.g. "laptop stolen, police report 123")
The store comes from REDIS_URL (and HIC_STORE_PREFIX): the same one the gateways use.`,
  options: { serial: { type: 'string' }, terminal: { type: 'string' }, reason: { type: 'string' }, note: { type: 'string' } },
  async run({ values, json }) {
    const terminalId = stringOption(values, 'terminal');
    const serial = stringOption(values, 'serial');
    if ((terminalId === undefined) === (serial === undefined)) throw new UsageError('give exactly one of --serial or --terminal');
    const reason = requiredOption(values, 'reason');
    const note = stringOption(values, 'note');
    // The CA is optional: revocation needs only the store; without the CA the CRL is re-signed later.
    return withCaCli({ store: true, ca: false }, async (cli) => {
      const asked = { terminalId: terminalId ?? null, serial: serial ?? null, reason, note: note ?? null };
      const result = await cli.attempt('ca.revoke', asked, () =>
        revokeTerminal(cli.deps, { terminalId, serial, reason, note, by: cli.ctx.operator }),
      );
      const view = terminalView(result.terminal, cli.ctx.clock.now());
      await cli.audit('ca.revoke', {
        ...asked,
        terminalId: view.id,
        serial: result.certificate.serial,
        fingerprint: view.fingerprint,
        sessionsEnded: result.sessionsEnded,
        crlNumber: result.crl?.number ?? null,
      });
      const data = {
        ok: true,
        terminal: view,
        revokedSerial: result.certificate.serial,
        sessionsEnded: result.sessionsEnded,
        crlNumber: result.crl?.number ?? null,
      };
      output(
        json,
        data,
        [
          formatTerminal(view),
          `revoked on every gateway instance; ${result.sessionsEnded} session(s) ended`,
          result.crl
            ? `CRL #${result.crl.number} published (${result.crl.entries} entries)`
            : `no CA in ${cli.caDir}: run \`hic ca crl\` where the CA is to re-sign the CRL`,
        ].join('\n'),
      );
    });
  },
};
