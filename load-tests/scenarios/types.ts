import type { Bench } from '../bench.js';
import type { LoadResult } from '../drivers/latency.js';

/** How long things run. The full bench and `--quick` differ only here. */
export interface Timing {
  /** Discarded first run per target: JIT warm-up, connections opened, caches filled. */
  warmupS: number;
  durationS: number;
  /** Saturation runs of the bare proxy and the gateway alternate in this many pairs. */
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

/**
 * Runs the measurements `rounds` times, interleaved (a, b, a, b, …), so that load from anything else on the
 * machine falls on every target alike. Returns every run, per measurement.
 */
export async function interleaved(runs: (() => Promise<LoadResult>)[], rounds: number): Promise<LoadResult[][]> {
  const all: LoadResult[][] = runs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < runs.length; i++) all[i]!.push(await runs[i]!());
  }
  return all;
}

/** The run with the median throughput. */
export function medianRun(results: LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Throughput ratio of two interleaved series: the median of the per-round ratios (each round's two runs were
 * adjacent in time, so a burst of outside load mostly cancels), with the lowest and highest round for honesty.
 */
export function pairedRatio(a: LoadResult[], b: LoadResult[]): { median: number; min: number; max: number } {
  const ratios = a.map((x, i) => ratio(x.rps, b[i]!.rps)).sort((p, q) => p - q);
  return { median: ratios[Math.floor((ratios.length - 1) / 2)]!, min: ratios[0]!, max: ratios[ratios.length - 1]! };
}

/** Two decimals, as scripts read it. */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : Math.round((a / b) * 100) / 100;
}

/** Median of numbers (lower middle for an even count); 0 for none. */
export function medianOf(xs: number[]): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
