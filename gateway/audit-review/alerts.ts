import { ALERT_EVENT } from '../alerts/alert.js';
import type { AuditMatch } from './scan.js';
import { searchAudit } from './search.js';

/** The staff action that acknowledges an alert; its audit record is the acknowledgement (who: `by`, when: `time`). */
export const ALERT_ACK_ACTION = 'alert.ack';

/** Where an alert is in the log (`<instance>/<day>.jsonl:<line>`): its stable name, given back when acknowledging. */
export const ALERT_REF = /^[A-Za-z0-9._-]{1,64}\/(\d{4}-\d\d-\d\d)\.jsonl:[1-9]\d{0,8}$/;

export interface Acknowledgement {
  by: string;
  time: string;
  note: string | null;
}

/** An alert as the console lists it, with its first acknowledgement if any. */
export interface ReviewedAlert {
  ref: string;
  match: AuditMatch;
  ack: Acknowledgement | null;
}

/**
 * The alerts raised in [since, until) with their acknowledgements, newest first (LOG-4). There is no alert store of
 * its own: an alert is an audit record and so is its acknowledgement (a `staff-action` `alert.ack` naming the
 * alert's place), so both are tamper-evident and every instance sees the same state. One pass over the range; an
 * acknowledgement is looked for from the alert's time to now.
 */
export async function reviewAlerts(dir: string, since: number, until: number, now: number, limit = 200): Promise<ReviewedAlert[]> {
  const alerts: ReviewedAlert[] = [];
  const acks = new Map<string, Acknowledgement>();
  for await (const m of searchAudit(dir, { event: [ALERT_EVENT, 'staff-action'], since, until: now + 1, limit: 0 })) {
    const e = m.entry as Record<string, unknown>;
    if (e['event'] === ALERT_EVENT) {
      if (Date.parse(m.entry.time) < until) alerts.push({ ref: `${m.file}:${m.line}`, match: m, ack: null });
    } else if (e['action'] === ALERT_ACK_ACTION && typeof e['alert'] === 'string' && !acks.has(e['alert'])) {
      acks.set(e['alert'], { by: String(e['by']), time: m.entry.time, note: typeof e['note'] === 'string' ? e['note'] : null });
    }
  }
  const newest = alerts.sort((a, b) => b.match.entry.time.localeCompare(a.match.entry.time)).slice(0, limit);
  for (const a of newest) a.ack = acks.get(a.ref) ?? null;
  return newest;
}

/** The alert at `ref` with its acknowledgement, or null when `ref` names no alert. */
export async function findAlert(dir: string, ref: string, now: number): Promise<ReviewedAlert | null> {
  const day = ALERT_REF.exec(ref)?.[1];
  if (!day) return null;
  const since = Date.parse(`${day}T00:00:00.000Z`);
  const found = await reviewAlerts(dir, since, since + 86_400_000, now, Number.MAX_SAFE_INTEGER);
  return found.find((a) => a.ref === ref) ?? null;
}
