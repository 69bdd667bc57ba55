/**
 * Days and times as people write them, in the configured time zone (Asia/Tokyo by default: the analysts, the
 * helpdesk and the ministry work in Japan time, while the log and the store keep UTC milliseconds).
 *
 * A day is accepted only as `YYYY-MM-DD` and only when it exists: `2026/3/31` (separators), `01/04/2026` (which
 * is 1 April in Japan and 4 January in the US) and `2026-02-30` (which Date.parse would roll into March) are all
 * refused, so a usage period never silently moves. An end day is inclusive: it lasts until 23:59:59.999 local,
 * which the stores keep as the next local midnight, an exclusive bound (`now < endsAt`).
 */

/** The zone used when none is configured (HIC: the gateway serves Japan). */
export const DEFAULT_TIME_ZONE = 'Asia/Tokyo';

/** What a day must look like; every refusal quotes it, so the message says what is allowed. */
export const DAY_FORMAT_HINT = 'YYYY-MM-DD, e.g. 2027-03-31';

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** True when the runtime knows the IANA zone name (e.g. Asia/Tokyo, UTC, America/New_York). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a zone. */
export function localParts(
  ms: number,
  zone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms (Asia/Tokyo: always +9 h). */
function offsetAt(ms: number, zone: string): number {
  const p = localParts(ms, zone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** A calendar day that really exists, or null (`2026-02-30`, `2026-13-01` and any other shape are null). */
export function parseDay(text: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth ? { year, month, day } : null;
}

/**
 * The instant a local wall-clock time happens in a zone. Two passes absorb a daylight-saving change between the
 * guess and the answer (zones without DST, like Asia/Tokyo, settle on the first).
 */
export function zonedTime(year: number, month: number, day: number, zone: string, hour = 0, minute = 0, second = 0, ms = 0): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  let t = wall - offsetAt(wall, zone);
  t = wall - offsetAt(t, zone);
  return t;
}

/** Start of a day (00:00 local), or null when the text is not a real `YYYY-MM-DD` day. */
export function dayStart(text: string, zone: string): number | null {
  const d = parseDay(text);
  return d ? zonedTime(d.year, d.month, d.day, zone) : null;
}

/**
 * The exclusive end of an inclusive last day: the next local midnight, so 23:59:59.999 local is still inside and
 * the next millisecond is not. Null when the text is not a real day.
 */
export function dayEndExclusive(text: string, zone: string): number | null {
  const d = parseDay(text);
  if (!d) return null;
  const next = new Date(Date.UTC(d.year, d.month - 1, d.day) + DAY_MS);
  return zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), zone);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-03-31 23:59:59` in the zone (what people read on pages and in the CLI; the ISO time goes in a tooltip). */
export function formatLocal(ms: number, zone: string): string {
  const p = localParts(ms, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** `2026-03-31` in the zone. */
export function formatLocalDay(ms: number, zone: string): string {
  const p = localParts(ms, zone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The inclusive last day of a period stored as an exclusive end (the day of `endsAt - 1 ms`). */
export function lastDayOf(endsAtExclusive: number, zone: string): string {
  return formatLocalDay(endsAtExclusive - 1, zone);
}

/**
 * `2026-03-31T09:30` (the value of an HTML datetime-local field) or `2026-03-31 09:30[:ss]` in the zone → ms;
 * null when malformed or when the day or time does not exist.
 */
export function parseLocalDateTime(text: string, zone: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return null;
  const d = parseDay(m[1]!);
  const [h, min, s] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (!d || h > 23 || min > 59 || s > 59) return null;
  return zonedTime(d.year, d.month, d.day, zone, h, min, s);
}

/** The zone the CLI works in: HIC_TIMEZONE when set (checked), else Asia/Tokyo. */
export function cliTimeZone(env: NodeJS.ProcessEnv = process.env): string {
  const zone = env.HIC_TIMEZONE;
  if (zone === undefined || zone === '') return DEFAULT_TIME_ZONE;
  if (!isTimeZone(zone)) throw new RangeError(`HIC_TIMEZONE: unknown time zone "${zone}" (an IANA name such as Asia/Tokyo or UTC)`);
  return zone;
}
