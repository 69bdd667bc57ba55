import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { LoadResult } from './drivers/latency.js';
import type { ScenarioResult } from './scenarios/types.js';

/** What the numbers were measured on: they mean little without it. */
export interface Machine {
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
}

/** What `npm run bench` writes as JSON. */
export interface BenchReport {
  date: string;
  machine: Machine;
  scenarios: ScenarioResult[];
}

/** Describes this machine for the report. */
export function machine(): Machine {
  const list = cpus();
  return { node: process.version, cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30) };
}

const fmt = (x: number) => (x >= 100 ? String(Math.round(x)) : x.toFixed(2));

function row(r: LoadResult): string {
  return `| ${r.target} | ${r.rps} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.p999)} | ${r.errors} | ${r.non2xx} | ${r.cpuUsPerReq ?? '–'} |`;
}

/** One scenario as a markdown table with its figures and method. */
export function scenarioMarkdown(s: ScenarioResult): string {
  const lines = [
    `### ${s.title} (\`${s.id}\`)`,
    '',
    '| target | req/s | p50 ms | p99 ms | p99.9 ms | errors | non-2xx | target CPU µs/req |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...s.rows.map(row),
    '',
  ];
  const figures = Object.entries(s.figures).map(([k, v]) => `${k}: **${v}**`);
  if (figures.length > 0) lines.push(figures.join(' · '), '');
  lines.push(`_Method:_ ${s.method}`, '');
  for (const n of s.notes) lines.push(`> ${n}`, '');
  return lines.join('\n');
}

/** The whole report as markdown (what load-tests/results/<date>.md holds). */
export function reportMarkdown(report: BenchReport): string {
  const m = report.machine;
  return [
    `## Load test results — ${report.date}`,
    '',
    `Node ${m.node}, ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB; load generator, upstream and targets share these cores. ` +
      'TLS 1.2+/1.3 with a client certificate for every TLS target; loopback only.',
    '',
    ...report.scenarios.map(scenarioMarkdown),
  ].join('\n');
}

/** The line `--quick` ends with, which scripts read: `ratio gateway/bare = 0.NN` (two decimals). */
export function ratioLine(smallPage: ScenarioResult): string {
  return `ratio gateway/bare = ${Number(smallPage.figures['ratio gateway/bare']).toFixed(2)}`;
}

/** Writes `<dir>/<name>.json` and `<dir>/<name>.md` (name: the date, for a full run); returns their paths. */
export function writeReport(dir: string, report: BenchReport, name = report.date): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const md = join(dir, `${name}.md`);
  writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(md, reportMarkdown(report));
  return { json, md };
}
