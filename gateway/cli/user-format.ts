/**
 * `hic user show` for people: one labelled line per fact, times in the CLI's zone, no `null` (a dash instead),
 * and the identity-check ledger (本人確認の台帳, AUTH-5) as a table. `--json` prints the data unchanged.
 */
import { formatLocal } from '../core/local-time.js';
import type { Account } from '../stores/types.js';

/** Failure counters as the login service keeps them (they lock at 5). */
export interface FailureCounts {
  password: number;
  totp: number;
}

const DAY_MS = 86_400_000;

/** Columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/** The account, readable: what the helpdesk needs to answer "why can't I log in?". */
export function formatAccount(a: Account, failures: FailureCounts, zone: string, now: number): string {
  const at = (ms: number) => `${formatLocal(ms, zone)} (${zone})`;
  const ageDays = Math.floor((now - a.passwordMeta.changedAt) / DAY_MS);
  const facts: Array<[string, string]> = [
    ['user id', a.username],
    ['name', a.displayName ?? '-'],
    ['roles', a.roles.join(', ')],
    ['project', a.project ?? '- (staff)'],
    [
      'status',
      a.status === 'suspended' ? `suspended since ${a.suspendedAt ? at(a.suspendedAt) : '?'}: ${a.suspensionReason ?? '-'}` : 'active',
    ],
    ['locked', a.lockedAt === null ? 'no' : `yes, since ${at(a.lockedAt)} (unlock: hic user unlock)`],
    ['failed attempts', `password ${failures.password} of 5, one-time code ${failures.totp} of 5`],
    [
      'password',
      a.passwordMeta.initial
        ? `initial password issued ${at(a.passwordMeta.changedAt)} (to be changed at first login)`
        : `changed ${at(a.passwordMeta.changedAt)}, ${ageDays} day(s) ago`,
    ],
    ['authenticator', a.totpEnrolled ? 'enrolled' : 'not enrolled (enrols at first login)'],
    ['created', at(a.createdAt)],
  ];
  const checks = a.identityChecks ?? [];
  const ledger =
    checks.length === 0
      ? '  (none)'
      : table(
          ['WHEN', 'ACTION', 'VERIFIED BY', 'METHOD', 'DOCUMENT', 'REFERENCE'],
          checks.map((c) => [formatLocal(c.at, zone), c.action, c.verifiedBy, c.method, c.document, c.reference ?? '-']),
        ).replace(/^/gm, '  ');
  return `${facts.map(([k, v]) => `${k.padEnd(16)} ${v}`).join('\n')}\n\nidentity checks (ledger, newest last; times ${zone})\n${ledger}`;
}
