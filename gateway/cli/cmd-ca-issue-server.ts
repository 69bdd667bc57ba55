import { join } from 'node:path';
import { withCaCli } from './ca-cli.js';
import { formatCertificate } from './ca-format.js';
import { assertAbsent, daysOption, listOption, stringOption, writeNewFile } from './ca-options.js';
import { output, UsageError, type Command } from './command.js';

/** `hic ca issue-server`: the gateway's own TLS server certificate (serverAuth only) from the built-in CA. */
export const caIssueServerCommand: Command = {
  name: 'ca issue-server',
  summary: "Issues the gateway's TLS server certificate for its hostnames / addresses.",
  usage: `usage: hic ca issue-server (--hostname NAME | --ip ADDRESS)... [--out-dir DIR] [--days N] [--home DIR] [--json]
  --out-dir DIR   where server.cert.pem and server.key.pem (0600) go (default <state dir>/tls); existing files
                  are never overwritten: give a new directory and point tls.certFile / tls.keyFile at it`,
  options: {
    hostname: { type: 'string', multiple: true },
    ip: { type: 'string', multiple: true },
    'out-dir': { type: 'string' },
    days: { type: 'string' },
  },
  async run({ values, json }) {
    const hostnames = listOption(values, 'hostname');
    const ipAddresses = listOption(values, 'ip');
    if (hostnames.length + ipAddresses.length === 0) throw new UsageError('give at least one --hostname or --ip');
    const validityDays = daysOption(values);
    return withCaCli({ store: false, ca: true }, async (cli) => {
      const dir = stringOption(values, 'out-dir') ?? join(cli.ctx.home, 'tls');
      const files = { certFile: join(dir, 'server.cert.pem'), keyFile: join(dir, 'server.key.pem') };
      const issued = await cli.attempt('ca.issue-server', { hostnames, ipAddresses, ...files }, async () => {
        await Promise.all([assertAbsent(files.certFile), assertAbsent(files.keyFile)]);
        const server = await cli.deps.authority!.issueServerCertificate({ hostnames, ipAddresses, validityDays });
        await writeNewFile(files.certFile, server.certPem, 0o644);
        await writeNewFile(files.keyFile, server.keyPem, 0o600);
        return server;
      });
      await cli.audit('ca.issue-server', {
        hostnames,
        ipAddresses,
        ...files,
        serial: issued.serial,
        notAfter: issued.notAfter.toISOString(),
      });
      const data = {
        ok: true,
        ...files,
        serial: issued.serial,
        fingerprint: issued.fingerprint,
        notBefore: issued.notBefore.toISOString(),
        notAfter: issued.notAfter.toISOString(),
      };
      output(json, data, `${formatCertificate(issued)}\nwritten to ${files.certFile} and ${files.keyFile}`);
    });
  },
};
