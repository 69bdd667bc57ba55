import t from 'tap';
import { parseDayOption } from '../../gateway/cli/cmd-project.js';
import { dayEndExclusive, dayStart, formatLocal, lastDayOf, parseDay, parseLocalDateTime } from '../../gateway/core/local-time.js';
import { parseTime } from '../../gateway/audit-review/query.js';

/** Issue 13: days as people write them, in the configured zone; nothing is silently moved. */
t.test('only real YYYY-MM-DD days', async (t) => {
  t.same(parseDay('2028-02-29'), { year: 2028, month: 2, day: 29 }, 'leap day');
  for (const bad of [
    '2027-02-29',
    '2026-02-30',
    '2026-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026/3/31',
    '01/04/2026',
    '2026-3-31',
    ' 2026-03-31',
    '2026-03-31T00:00',
    '',
  ]) {
    t.equal(parseDay(bad), null, `${JSON.stringify(bad)} refused`);
  }
  t.throws(() => parseDayOption('start', '31.03.2026', 'Asia/Tokyo'), {
    message: '--start: "31.03.2026" is not a day; use YYYY-MM-DD, e.g. 2027-03-31 (a day that exists, in Asia/Tokyo)',
  });
});

t.test('start at local midnight, end inclusive to 23:59:59.999 local', async (t) => {
  t.equal(dayStart('2026-04-01', 'Asia/Tokyo'), Date.parse('2026-04-01T00:00:00+09:00'));
  t.equal(dayEndExclusive('2027-03-31', 'Asia/Tokyo'), Date.parse('2027-03-31T23:59:59.999+09:00') + 1);
  t.equal(dayEndExclusive('2026-12-31', 'Asia/Tokyo'), Date.parse('2027-01-01T00:00:00+09:00'), 'across a year end');
  t.equal(dayEndExclusive('2028-02-28', 'UTC'), Date.parse('2028-02-29T00:00:00Z'), 'into a leap day');
  // Daylight saving: New York changes on 2027-03-14 (02:00 → 03:00) and 2027-11-07.
  t.equal(dayStart('2027-03-14', 'America/New_York'), Date.parse('2027-03-14T00:00:00-05:00'));
  t.equal(dayEndExclusive('2027-03-14', 'America/New_York'), Date.parse('2027-03-15T00:00:00-04:00'), 'a 23-hour day');
  t.equal(dayEndExclusive('2027-11-07', 'America/New_York'), Date.parse('2027-11-08T00:00:00-05:00'), 'a 25-hour day');
  t.equal(lastDayOf(dayEndExclusive('2027-03-31', 'Asia/Tokyo')!, 'Asia/Tokyo'), '2027-03-31');
  t.equal(formatLocal(Date.parse('2026-11-27T15:04:05Z'), 'Asia/Tokyo'), '2026-11-28 00:04:05');
  t.equal(parseLocalDateTime('2026-11-28T00:04', 'Asia/Tokyo'), Date.parse('2026-11-27T15:04:00Z'));
  t.equal(parseLocalDateTime('2026-02-30T10:00', 'Asia/Tokyo'), null);
  t.equal(parseLocalDateTime('2026-02-01T24:00', 'Asia/Tokyo'), null);
});

t.test('audit search times: a day that does not exist is refused; a day and a bare time are in the zone', async (t) => {
  const now = Date.parse('2026-11-27T00:00:00Z');
  t.equal(parseTime('2025-02-30', now), null);
  t.equal(parseTime('2025-02-28', now), Date.parse('2025-02-28T00:00:00+09:00'));
  t.equal(parseTime('2025-02-28', now, 'UTC'), Date.parse('2025-02-28T00:00:00Z'));
  t.equal(
    parseTime('2025-02-28T09:30', now),
    Date.parse('2025-02-28T09:30:00+09:00'),
    "no offset: a wall-clock time in the zone, never the host's",
  );
  t.equal(parseTime('2025-02-28T09:30:00Z', now), Date.parse('2025-02-28T09:30:00Z'));
  t.equal(parseTime('24h', now), now - 86_400_000);
});
