/**
 * Records per hour as a server-rendered SVG bar chart (issue 13 item 3; LOG-4 "looking at activity"): no script
 * and no inline style — bars are <rect> elements coloured by classes of the one hashed stylesheet, so the strict
 * CSP holds. Each bar carries its bucket start and count (`data-start`, `data-count`) and a <title> tooltip.
 */
import { formatLocal } from '../core/local-time.js';
import type { Lang } from './i18n.js';
import { esc } from './layout.js';

const HOUR = 3_600_000;
/** At most this many bars; a longer range gets wider buckets (2, 3 … hours). */
const MAX_BARS = 168;
const W = 960;
const H = 200;
const PAD = { left: 36, right: 8, top: 10, bottom: 28 };

/** Counts of records and of refusals in equal buckets from `start`. */
export interface HourlyCounts {
  start: number;
  bucketMs: number;
  all: number[];
  deny: number[];
}

/** Empty buckets covering [since, until): whole hours, widened so that there are at most MAX_BARS. */
export function hourlyBuckets(since: number, until: number): HourlyCounts {
  const start = Math.floor(since / HOUR) * HOUR;
  const hours = Math.max(1, Math.ceil((until - start) / HOUR));
  const bucketMs = Math.ceil(hours / MAX_BARS) * HOUR;
  const n = Math.max(1, Math.ceil((until - start) / bucketMs));
  return { start, bucketMs, all: new Array<number>(n).fill(0), deny: new Array<number>(n).fill(0) };
}

/** Adds one record at `time` (ms); records outside the range are not counted. */
export function countRecord(c: HourlyCounts, time: number, denied: boolean): void {
  const i = Math.floor((time - c.start) / c.bucketMs);
  if (!(i >= 0 && i < c.all.length)) return;
  c.all[i]! += 1;
  if (denied) c.deny[i]! += 1;
}

const words = {
  title: { ja: (h: number) => `${h}時間ごとの件数`, en: (h: number) => `Records per ${h === 1 ? 'hour' : `${h} hours`}` },
  all: { ja: '該当する記録', en: 'matching records' },
  deny: { ja: 'うち拒否', en: 'of which refused' },
} as const;

/** The chart: a bar per bucket (all records) with the refusals drawn over it, a scale and a few time labels. */
export function hourlyChart(lang: Lang, c: HourlyCounts, zone: string): string {
  const hours = c.bucketMs / HOUR;
  const max = Math.max(1, ...c.all);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / c.all.length;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const bars = c.all.map((v, i) => {
    const x = (PAD.left + i * bw).toFixed(1);
    const w = Math.max(1, bw - 1).toFixed(1);
    const from = c.start + i * c.bucketMs;
    const label = `${formatLocal(from, zone).slice(0, 16)}: ${v} / ${c.deny[i]}`;
    const iso = new Date(from).toISOString();
    return `<g><title>${esc(label)}</title><rect class="all" x="${x}" y="${y(v).toFixed(1)}" width="${w}" height="${(PAD.top + plotH - y(v)).toFixed(1)}" data-start="${iso}" data-count="${v}"></rect><rect class="deny" x="${x}" y="${y(c.deny[i]!).toFixed(1)}" width="${w}" height="${(PAD.top + plotH - y(c.deny[i]!)).toFixed(1)}" data-start="${iso}" data-count="${c.deny[i]}"></rect></g>`;
  });
  const every = Math.max(1, Math.ceil(c.all.length / 8));
  const ticks = c.all
    .map((_, i) =>
      i % every === 0
        ? `<text x="${(PAD.left + i * bw).toFixed(1)}" y="${H - 8}">${esc(formatLocal(c.start + i * c.bucketMs, zone).slice(5, 16))}</text>`
        : '',
    )
    .join('');
  const title = `${words.title[lang](hours)} (${zone})`;
  return `<figure class="chart" id="hourly-chart"><figcaption>${esc(title)} <span class="legend"><span class="all">■ ${words.all[lang]}</span> <span class="deny">■ ${words.deny[lang]}</span></span></figcaption><svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg"><line class="axis" x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}"></line><text x="2" y="${PAD.top + 8}">${max}</text><text x="2" y="${PAD.top + plotH}">0</text>${bars.join('')}${ticks}</svg></figure>`;
}
