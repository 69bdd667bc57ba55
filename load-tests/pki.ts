import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initAuthority } from '../ca/index.js';

/** PEM paths of the server side: the same three files are given to every TLS target, so all share one setting. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

/** One terminal identity: what a load client presents, and what the register needs. */
export interface BenchTerminal {
  id: string;
  cert: string;
  key: string;
  fingerprint: string;
  serial: string;
  notAfter: number;
}

/** The run's PKI: server TLS files, the CA bundle clients trust, the terminal identities. */
export interface BenchPki {
  tls: TlsFiles;
  caBundle: string;
  terminals: BenchTerminal[];
}

/**
 * A fresh CA made by our own CA code (never committed certificates), a server certificate for 127.0.0.1 and
 * `terminalCount` terminal certificates. Made once per run: the TLS work of the run is then identical for every
 * target (same server key size, same chain, same client certificates).
 */
export async function makeBenchPki(dir: string, terminalCount: number): Promise<BenchPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const authority = await initAuthority(join(dir, 'ca'));
  const server = await authority.issueServerCertificate({ hostnames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const tls: TlsFiles = {
    certFile: join(dir, 'server.cert.pem'),
    keyFile: join(dir, 'server.key.pem'),
    caFile: join(dir, 'ca-bundle.pem'),
  };
  writeFileSync(tls.certFile, server.certPem);
  writeFileSync(tls.keyFile, server.keyPem, { mode: 0o600 });
  writeFileSync(tls.caFile, authority.caBundlePem());
  const terminals: BenchTerminal[] = [];
  for (let i = 0; i < terminalCount; i++) {
    const id = `bench-terminal-${String(i + 1).padStart(2, '0')}`;
    const issued = await authority.issueTerminalCertificate({ terminalId: id, site: 'bench-site', project: 'bench' });
    terminals.push({
      id,
      cert: issued.certPem,
      key: issued.keyPem,
      fingerprint: issued.fingerprint,
      serial: issued.serial,
      notAfter: issued.notAfter.getTime(),
    });
  }
  return { tls, caBundle: authority.caBundlePem(), terminals };
}
