import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initAuthority, type Authority } from '../../ca/index.js';

export interface TestCert {
  cert: string;
  key: string;
  fingerprint: string;
  serial: string;
  notAfter: Date;
}

export interface TestPki {
  dir: string;
  authority: Authority;
  caBundle: string;
  server: { cert: string; key: string };
  terminal(id: string, opts?: { project?: string; notBefore?: Date; notAfter?: Date }): Promise<TestCert>;
}

/** A real CA made at test time with our node-forge CA (never committed certificates). */
export async function makePki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'hic-pki-'));
  return pkiOn(await initAuthority(join(dir, 'ca')), dir);
}

/** A test PKI on an existing CA, e.g. the one `hic ca init` made in HIC_HOME/ca: a localhost server certificate and terminals on demand. */
export async function pkiOn(authority: Authority, dir: string): Promise<TestPki> {
  const server = await authority.issueServerCertificate({ hostnames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] });
  return {
    dir,
    authority,
    caBundle: authority.caBundlePem(),
    server: { cert: server.certPem, key: server.keyPem },
    async terminal(id, opts = {}) {
      const issued = await authority.issueTerminalCertificate({
        terminalId: id,
        site: 'test-site',
        project: opts.project ?? 'alpha',
        ...(opts.notBefore ? { notBefore: opts.notBefore } : {}),
        ...(opts.notAfter ? { notAfter: opts.notAfter } : {}),
      });
      return {
        cert: issued.certPem,
        key: issued.keyPem,
        fingerprint: issued.fingerprint,
        serial: issued.serial,
        notAfter: issued.notAfter,
      };
    },
  };
}
