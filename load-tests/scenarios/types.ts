import type { Bench } from '../bench.js';
import type { LoadResult } from '../drivers/latency.js';

/** How long things run. The full bench and `--quick` differ only here. */
export interface Timing {
  warmupS: number;
  durationS: number;
  /** Saturation runs of the bare proxy and the gateway alternate this many times; the median round is reported. */
  rounds: number;
}

/** One table of the report. */
export interface ScenarioResult {
  id: string;
  title: string;
  /** What was done, in one or two sentences (printed under the table). */
  method: string;
  rows: LoadResult[];
  /** Derived figures, e.g. the ratio gateway/bare and the p99 delta. */
  figures: Record<string, number | string>;
  notes: string[];
}

export type Scenario = (bench: Bench, timing: Timing, log: (line: string) => void) => Promise<ScenarioResult>;

/** Runs the measurements `rounds` times, interleaved (a, b, a, b, …) so drift hits every target alike; keeps each median. */
export async function interleaved(runs: (() => Promise<LoadResult>)[], rounds: number): Promise<LoadResult[]> {
  const all: LoadResult[][] = runs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < runs.length; i++) all[i]!.push(await runs[i]!());
  }
  return all.map((results) => {
    const sorted = [...results].sort((a, b) => a.rps - b.rps);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  });
}

/** Two decimals, as scripts read it. */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a / b) * 100) / 100;
}
