/**
 * Terminal (利用端末) certificates: the names that tie a certificate to a registered terminal, its site and
 * project (SPEC AC-2), and the password that protects the PKCS#12 bundle carrying a gateway-generated key.
 */
import { HicError } from '../gateway/core/errors.js';
import { projectUri, terminalSubject } from './names.js';
import type { GeneralName, NameAttribute } from './profiles.js';
import { generatePassword } from './random.js';
import type { RandomSource } from './random.js';
import type { TerminalCertificateRequest } from './types.js';

/** Subject (O / OU = site / CN = terminal id) and, for a project terminal, the project SAN URI. */
export function terminalNames(req: TerminalCertificateRequest, prefix: string): { subject: NameAttribute[]; altNames: GeneralName[] } {
  if (typeof req !== 'object' || req === null) throw new HicError('CA_ERROR', 'a terminal certificate request is required');
  const subject = terminalSubject(prefix, req.terminalId, req.site);
  const altNames: GeneralName[] = req.project === undefined ? [] : [{ kind: 'uri', value: projectUri(req.project) }];
  return { subject, altNames };
}

/**
 * The PKCS#12 password: the one given, or a generated one. A given password must be printable ASCII because
 * PKCS#12 implementations disagree on how non-ASCII passwords become bytes (RFC 7292 B.1 vs. PBES2 UTF-8), so
 * a bundle could open in one tool and not in another.
 */
export function p12PasswordFor(given: string | undefined, random: RandomSource): string {
  if (given === undefined) return generatePassword(random);
  if (typeof given !== 'string' || !/^[\x20-\x7e]{8,128}$/.test(given)) {
    throw new HicError('CA_ERROR', 'p12Password must be 8 to 128 printable ASCII characters');
  }
  return given;
}
