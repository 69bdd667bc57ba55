/**
 * Logins, failed logins, refusals and blocked transfers per hour over the searched range (issue 13 item 3), as a
 * server-rendered SVG: one panel a series, each with its own scale, bars coloured by classes of the one hashed
 * stylesheet — no script, no inline style, so the strict CSP holds (as hourly-chart.ts). For people who do not see
 * the picture: the SVG has a <title> and a <desc> giving each series' total, every bar a <title> tooltip, and a
 * table of the same counts follows. Each bar carries `data-series`, `data-start` and `data-count` for tests.
 */
import { ACTIVITY_SERIES, type ActivitySeries } from '../audit-review/activity.js';
import { formatLocal } from '../core/local-time.js';
import { hourlyBuckets } from './hourly-chart.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';

const HOUR = 3_600_000;
const W = 960;
const LEFT = 150;
const RIGHT = 8;
const PANEL = 44;
const GAP = 12;
const TICKS = 22;

/** Counts of each series in equal buckets from `start` (the buckets of hourly-chart.ts). */
export interface ActivityCounts {
  start: number;
  bucketMs: number;
  series: Record<ActivitySeries, number[]>;
}

export function activityBuckets(since: number, until: number): ActivityCounts {
  const { start, bucketMs, all } = hourlyBuckets(since, until);
  const empty = () => new Array<number>(all.length).fill(0);
  return { start, bucketMs, series: { logins: empty(), failures: empty(), refusals: empty(), blocked: empty() } };
}

/** Counts one line at `time` (ms) in each of its series; lines outside the range are not counted. */
export function countActivity(c: ActivityCounts, time: number, series: readonly ActivitySeries[]): void {
  const i = Math.floor((time - c.start) / c.bucketMs);
  if (!(i >= 0 && i < c.series.logins.length)) return;
  for (const s of series) c.series[s][i]! += 1;
}

const NAMES: Record<ActivitySeries, Record<Lang, string>> = {
  logins: { ja: 'ログイン', en: 'Logins' },
  failures: { ja: 'ログイン失敗', en: 'Failed logins' },
  refusals: { ja: '拒否された要求', en: 'Refused requests' },
  blocked: { ja: '遮断された転送', en: 'Blocked transfers' },
};

const words = {
  title: { ja: (h: number) => `${h}時間ごとの利用状況`, en: (h: number) => `Activity per ${h === 1 ? 'hour' : `${h} hours`}` },
  scope: {
    ja: '検索した期間と、ユーザー・研究課題・端末・アドレスの条件で数えます（イベント・判定の条件にはよりません）。拒否された要求には遮断された転送を含みます。',
    en: 'Counted over the searched range and the user, project, terminal and address conditions (not the event or decision). Refused requests include blocked transfers.',
  },
  total: { ja: '計', en: 'total' },
  peak: { ja: '最大', en: 'peak' },
  table: { ja: '表で見る（件数のある時間帯のみ）', en: 'As a table (hours with any count)' },
  time: { ja: '時間帯', en: 'From' },
  none: { ja: 'この期間には該当がありません。', en: 'Nothing in this range.' },
} as const;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function activityChart(lang: Lang, c: ActivityCounts, zone: string): string {
  const n = c.series.logins.length;
  const hours = c.bucketMs / HOUR;
  const plotW = W - LEFT - RIGHT;
  const bw = plotW / n;
  const H = ACTIVITY_SERIES.length * (PANEL + GAP) + TICKS;
  const label = (i: number) => formatLocal(c.start + i * c.bucketMs, zone).slice(0, 16);
  const panels = ACTIVITY_SERIES.map((s, k) => {
    const values = c.series[s];
    const max = Math.max(1, ...values);
    const top = k * (PANEL + GAP) + GAP;
    const base = top + PANEL;
    const bars = values.map((v, i) => {
      const h = (v / max) * PANEL;
      return `<rect class="${s}" x="${(LEFT + i * bw).toFixed(1)}" y="${(base - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" data-series="${s}" data-start="${new Date(c.start + i * c.bucketMs).toISOString()}" data-count="${v}"><title>${esc(`${NAMES[s][lang]} ${label(i)}: ${v}`)}</title></rect>`;
    });
    return `<g class="panel" aria-hidden="true"><text class="name" x="2" y="${top + 14}">${esc(NAMES[s][lang])}</text><text x="2" y="${top + 30}">${words.total[lang]} ${sum(values)} · ${words.peak[lang]} ${Math.max(0, ...values)}</text><line class="axis" x1="${LEFT}" y1="${base}" x2="${W - RIGHT}" y2="${base}"></line>${bars.join('')}</g>`;
  });
  const every = Math.max(1, Math.ceil(n / 8));
  const ticks = c.series.logins
    .map((_, i) => (i % every === 0 ? `<text x="${(LEFT + i * bw).toFixed(1)}" y="${H - 6}">${esc(label(i).slice(5))}</text>` : ''))
    .join('');
  const title = `${words.title[lang](hours)} (${zone})`;
  const desc = ACTIVITY_SERIES.map((s) => `${NAMES[s][lang]} ${sum(c.series[s])}`).join(lang === 'ja' ? '、' : ', ');
  const legend = ACTIVITY_SERIES.map(
    (s) => `<span class="${s}">■ ${esc(NAMES[s][lang])} <span class="n" data-series="${s}">${sum(c.series[s])}</span></span>`,
  ).join(' ');
  return `<figure class="chart" id="activity-chart"><figcaption>${esc(title)} <span class="legend">${legend}</span></figcaption><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="activity-title activity-desc" xmlns="http://www.w3.org/2000/svg"><title id="activity-title">${esc(title)}</title><desc id="activity-desc">${esc(`${desc}. ${words.scope[lang]}`)}</desc>${panels.join('')}${ticks}</svg><p class="hint">${esc(words.scope[lang])}</p>${activityTable(lang, c, label)}</figure>`;
}

/** The same counts as a table, for screen readers and copying: the hours with any count, oldest first. */
function activityTable(lang: Lang, c: ActivityCounts, label: (i: number) => string): string {
  const rows = c.series.logins
    .map((_, i) => i)
    .filter((i) => ACTIVITY_SERIES.some((s) => c.series[s][i]! > 0))
    .map(
      (i) =>
        `<tr><th scope="row" data-start="${new Date(c.start + i * c.bucketMs).toISOString()}">${esc(label(i))}</th>${ACTIVITY_SERIES.map((s) => `<td>${c.series[s][i]}</td>`).join('')}</tr>`,
    );
  const head = `<tr><th scope="col">${words.time[lang]}</th>${ACTIVITY_SERIES.map((s) => `<th scope="col">${esc(NAMES[s][lang])}</th>`).join('')}</tr>`;
  const body =
    rows.length === 0
      ? `<p>${words.none[lang]}</p>`
      : `<table id="activity-table"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
  return `<details><summary>${words.table[lang]}</summary>${body}</details>`;
}
