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
 * Runs the measurements `rounds` times, interleaved, so that load from anything else on the machine falls on every
 * target alike. The order turns round every other round (a b, b a, a b, …): whoever runs second in a pair meets a
 * warmer machine, a fuller heap or a drifting neighbour, and reversing the order cancels that instead of charging
 * it to one target every time. Returns every run, per measurement, in round order.
 */
export async function interleaved(runs: (() => Promise<LoadResult>)[], rounds: number): Promise<LoadResult[][]> {
  const all: LoadResult[][] = runs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const i of roundOrder(runs.length, r)) all[i]!.push(await runs[i]!());
  }
  return all;
}

/** Indexes 0..n-1 in the order round `round` runs them: forwards in even rounds, backwards in odd ones. */
export function roundOrder(n: number, round: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  return round % 2 === 0 ? order : order.reverse();
}

/** The run with the median throughput (the lower middle one for an even count: a real run, not an average). */
export function medianRun(results: LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Throughput ratio of two interleaved series: the median of the per-round ratios (each round's two runs were
 * adjacent in time, so a burst of outside load mostly cancels), with the lowest and highest round for honesty.
 */
export function pairedRatio(a: LoadResult[], b: LoadResult[]): { median: number; min: number; max: number } {
  const ratios = a.map((x, i) => (b[i]!.rps === 0 ? 0 : x.rps / b[i]!.rps)).sort((p, q) => p - q);
  return { median: round2(medianOf(ratios)), min: round2(ratios[0]!), max: round2(ratios[ratios.length - 1]!) };
}

/** Two decimals, as scripts read it. */
export function ratio(a: number, b: number): number {
  return b === 0 ? 0 : round2(a / b);
}

/** Median of numbers (the mean of the two middle ones for an even count); 0 for none. */
export function medianOf(xs: number[]): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
