import { join } from 'node:path';
import { authorityExists, describeCertificate, initAuthority } from '../../ca/index.js';
import { HicError } from '../core/errors.js';
import { caDirOf, withCaCli } from './ca-cli.js';
import { assertAbsent, listOption, readSecretFile, stringOption, writeNewFile } from './ca-options.js';
import { output, type Command } from './command.js';

/**
 * `hic ca init`: the operator's own CA (HIC GL 第5-4-ii-②, SPEC AUTH-8): an offline-style root and an issuing
 * CA with separate RSA-3072 keys. The root key can be encrypted with a passphrase read from a file (never from
 * argv) and moved off the machine afterwards: day-to-day issuance needs only the issuing CA.
 */
export const caInitCommand: Command = {
  name: 'ca init',
  summary: 'Creates the built-in CA (root + issuing CA) in <state dir>/ca, optionally with a server certificate.',
  usage: `usage: hic ca init [--crl-url URL] [--name PREFIX] [--root-passphrase-file FILE]
                   [--hostname NAME]... [--ip ADDRESS]... [--home DIR] [--json]
  --crl-url URL               CRL distribution point written into every certificate (RFC 5280 4.2.1.13),
                              e.g. https://gateway.example.jp/_hic/crl (the gateway serves it there)
  --name PREFIX               organisation / CA name prefix (default "HIC Gateway")
  --root-passphrase-file F    encrypt the root key with the passphrase on the first line of F (12+ characters)
  --hostname, --ip            also issue the gateway's server certificate into <state dir>/tls/`,
  options: {
    'crl-url': { type: 'string' },
    name: { type: 'string' },
    'root-passphrase-file': { type: 'string' },
    hostname: { type: 'string', multiple: true },
    ip: { type: 'string', multiple: true },
  },
  async run({ values, json }) {
    return withCaCli({ store: false, ca: false }, async (cli) => {
      const dir = caDirOf(cli.ctx.home);
      const hostnames = listOption(values, 'hostname');
      const ips = listOption(values, 'ip');
      const passphraseFile = stringOption(values, 'root-passphrase-file');
      const tlsDir = join(cli.ctx.home, 'tls');
      const files = { cert: join(tlsDir, 'server.cert.pem'), key: join(tlsDir, 'server.key.pem') };
      const details = {
        caDir: dir,
        crlDistributionUrl: stringOption(values, 'crl-url') ?? null,
        rootKeyEncrypted: passphraseFile !== undefined,
      };
      const result = await cli.attempt('ca.init', details, async () => {
        if (authorityExists(dir)) throw new HicError('CONFLICT', `${dir} already holds a certificate authority; refusing to overwrite it`);
        const withServer = hostnames.length + ips.length > 0;
        if (withServer) await Promise.all([assertAbsent(files.cert), assertAbsent(files.key)]);
        const authority = await initAuthority(dir, {
          crlDistributionUrl: stringOption(values, 'crl-url'),
          commonNamePrefix: stringOption(values, 'name'),
          rootPassphrase: passphraseFile === undefined ? undefined : readSecretFile(passphraseFile),
          clock: cli.ctx.clock,
        });
        let server: { certFile: string; keyFile: string; serial: string; notAfter: string } | null = null;
        if (withServer) {
          const issued = await authority.issueServerCertificate({ hostnames, ipAddresses: ips });
          await writeNewFile(files.cert, issued.certPem, 0o644);
          await writeNewFile(files.key, issued.keyPem, 0o600);
          server = { certFile: files.cert, keyFile: files.key, serial: issued.serial, notAfter: issued.notAfter.toISOString() };
        }
        return { authority, server };
      });
      const root = describeCertificate(result.authority.rootCertPem());
      const issuing = describeCertificate(result.authority.issuingCertPem());
      const data = {
        ok: true,
        caDir: dir,
        bundle: join(dir, 'ca-bundle.pem'),
        root: { subject: root.subject, fingerprint: root.fingerprint, notAfter: root.notAfter.toISOString() },
        issuing: { subject: issuing.subject, fingerprint: issuing.fingerprint, notAfter: issuing.notAfter.toISOString() },
        crlDistributionUrl: result.authority.crlDistributionUrl ?? null,
        rootKeyEncrypted: passphraseFile !== undefined,
        server: result.server,
      };
      await cli.audit('ca.init', {
        ...details,
        root: data.root.fingerprint,
        issuing: data.issuing.fingerprint,
        serverSerial: result.server?.serial ?? null,
      });
      output(
        json,
        data,
        [
          `CA created in ${dir}`,
          `  root CA     ${root.subject}  (until ${data.root.notAfter})`,
          `  issuing CA  ${issuing.subject}  (until ${data.issuing.notAfter})`,
          `  trust file  ${data.bundle}`,
          `  CRL URL     ${data.crlDistributionUrl ?? '(none: give --crl-url so relying parties can find the CRL)'}`,
          ...(result.server ? [`  server      ${result.server.certFile} / ${result.server.keyFile}`] : []),
          `The root key (${join(dir, 'root-ca.key.pem')}) is not needed for issuing: keep it offline.`,
        ].join('\n'),
      );
    });
  },
};
