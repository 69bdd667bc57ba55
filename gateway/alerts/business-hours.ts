import type { AlertsConfig } from '../config/types.js';

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/**
 * The configured hours of use (LOG-4: "use at unusual hours"), in the operator's time zone. `inside` runs for
 * every request with a session, so its answer is cached per minute: one Intl call a minute, not one a request.
 */
export class BusinessHours {
  private readonly format: Intl.DateTimeFormat;
  private readonly start: number;
  private readonly end: number;
  private readonly days: Set<number>;
  private cachedMinute = Number.NaN;
  private cachedInside = true;

  constructor(private readonly cfg: AlertsConfig['businessHours']) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: cfg.timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    this.start = minutes(cfg.start);
    this.end = minutes(cfg.end);
    this.days = new Set(cfg.days);
  }

  /** Whether `ms` falls inside the hours (always true when the rule is disabled). `end` < `start` spans midnight. */
  inside(ms: number): boolean {
    if (!this.cfg.enabled) return true;
    const minute = Math.floor(ms / 60_000);
    if (minute === this.cachedMinute) return this.cachedInside;
    const parts = this.format.formatToParts(new Date(ms));
    const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
    const day = WEEKDAYS[get('weekday')] ?? -1;
    const t = Number(get('hour')) * 60 + Number(get('minute'));
    const inWindow = this.start <= this.end ? t >= this.start && t < this.end : t >= this.start || t < this.end;
    this.cachedMinute = minute;
    this.cachedInside = inWindow && this.days.has(day);
    return this.cachedInside;
  }

  /** "07:00-22:00 Asia/Tokyo", for alert texts. */
  describe(): string {
    return `${this.cfg.start}-${this.cfg.end} ${this.cfg.timezone}`;
  }
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}
