/**
 * Every outcome of the per-request path is a named reason. Reasons go to the access log; the user sees a plain
 * page chosen by the reason's kind, never internals.
 */
export const DENY_REASONS = [
  'terminal-certificate-missing',
  'terminal-certificate-untrusted',
  'terminal-certificate-expired',
  'terminal-certificate-not-yet-valid',
  'terminal-not-registered',
  'terminal-revoked',
  'terminal-not-assigned',
  'network-not-approved',
  'session-missing',
  'session-invalid',
  'session-idle-expired',
  'session-lifetime-expired',
  'session-terminal-mismatch',
  'project-unknown',
  'project-inactive',
  'password-change-required',
  'download-blocked',
  'upload-blocked',
  'transfer-blocked',
  'admin-blocked',
  'terminal-blocked',
  'upgrade-not-allowed',
  'upgrade-method-invalid',
  'workspace-unavailable',
  'workspace-refused-upgrade',
  'gateway-path-unknown',
  'path-invalid',
  'project-required',
  'origin-mismatch',
  'store-unavailable',
  'body-too-large',
] as const;

export type DenyReason = (typeof DENY_REASONS)[number];

export type AllowReason = 'allowed' | 'gateway-page' | 'health-check' | 'crl-distribution' | 'websocket-closed';

export type Decision = { allow: true; reason: AllowReason } | { allow: false; reason: DenyReason; status: number };

export const ALLOW: Decision = Object.freeze({ allow: true, reason: 'allowed' });

export function deny(reason: DenyReason): Decision {
  return { allow: false, reason, status: statusOf(reason) };
}

function statusOf(reason: DenyReason): number {
  switch (reason) {
    case 'session-missing':
    case 'session-invalid':
    case 'session-idle-expired':
    case 'session-lifetime-expired':
      return 401;
    case 'store-unavailable':
      return 503;
    case 'path-invalid':
    case 'upgrade-method-invalid':
      return 400;
    case 'gateway-path-unknown':
      return 404;
    case 'body-too-large':
      return 413;
    case 'workspace-unavailable':
    case 'workspace-refused-upgrade':
      return 502;
    default:
      return 403;
  }
}
