import type { TLSSocket } from 'node:tls';
import type { Pending } from '../core/pending.js';
import type { Runtime } from '../runtime.js';
import type { Terminal } from '../stores/types.js';
import type { RequestContext } from './context.js';
import { ALLOW, deny, type Decision, type DenyReason } from './decision.js';

/** Stage 1 — terminal (AC-2, AUTH-8): a registered, unrevoked certificate from our CA. */

type Verdict = { ok: true; fingerprint: string; terminal: Terminal } | { ok: false; reason: DenyReason; fingerprint: string | null };

const verdictSlot = Symbol('hic.terminalVerdict');
type SocketWithVerdict = TLSSocket & { [verdictSlot]?: { verdict: Verdict; generation: number } };

/**
 * The verdict is computed once per TLS connection and kept on the socket; revocation destroys the socket. Later
 * requests on the connection are answered synchronously (core/pending.ts).
 */
export function checkTerminal(ctx: RequestContext, rt: Runtime): Pending<Decision> {
  const socket = ctx.socket as SocketWithVerdict;
  const known = socket[verdictSlot];
  // After lost pub/sub news (subscriber reconnect) the generation moves on and every connection is re-vetted once.
  if (known !== undefined && known.generation === rt.verdictGeneration) return apply(ctx, known.verdict);
  const generation = rt.verdictGeneration;
  return computeVerdict(socket, rt).then((verdict) => {
    // A store outage is not a property of the connection: ask again next time.
    if (verdict.ok || verdict.reason !== 'store-unavailable') {
      socket[verdictSlot] = { verdict, generation };
      if (verdict.fingerprint) rt.connections.add(verdict.fingerprint, socket);
    }
    return apply(ctx, verdict);
  });
}

function apply(ctx: RequestContext, verdict: Verdict): Decision {
  ctx.fingerprint = verdict.fingerprint;
  if (!verdict.ok) return deny(verdict.reason);
  ctx.terminal = verdict.terminal;
  return ALLOW;
}

async function computeVerdict(socket: TLSSocket, rt: Runtime): Promise<Verdict> {
  const cert = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : null;
  if (!cert || !cert.raw) return { ok: false, reason: 'terminal-certificate-missing', fingerprint: null };
  const fingerprint = cert.fingerprint256.replace(/:/g, '').toLowerCase();
  if (!socket.authorized) {
    return { ok: false, reason: reasonForTlsError(String(socket.authorizationError ?? '')), fingerprint };
  }
  if (!rt.stores.healthy()) return { ok: false, reason: 'store-unavailable', fingerprint };
  let terminal: Terminal | null;
  try {
    terminal = await rt.stores.terminals.getByFingerprint(fingerprint);
  } catch {
    return { ok: false, reason: 'store-unavailable', fingerprint };
  }
  if (!terminal) return { ok: false, reason: 'terminal-not-registered', fingerprint };
  if (terminal.status !== 'active') return { ok: false, reason: 'terminal-revoked', fingerprint };
  if (terminal.notAfter <= rt.clock.now()) return { ok: false, reason: 'terminal-certificate-expired', fingerprint };
  return { ok: true, fingerprint, terminal };
}

function reasonForTlsError(code: string): DenyReason {
  if (code === 'CERT_HAS_EXPIRED') return 'terminal-certificate-expired';
  if (code === 'CERT_NOT_YET_VALID') return 'terminal-certificate-not-yet-valid';
  return 'terminal-certificate-untrusted';
}
