import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of a V8 .cpuprofile (as written by `node --cpu-prof`) that a self-time summary needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** One line of the summary. */
export interface ProfileLine {
  name: string;
  /** Share of the busy (non-idle) time, in percent. */
  percent: number;
}

/** Where a frame lives: our code, a package, Node itself, or a V8 pseudo-frame such as (garbage collector). */
export function ownerOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node core';
  const ours = /\/dist\/(gateway|load-tests|ca)\//.exec(url);
  return ours ? `ours: ${ours[1]}` : url;
}

/**
 * Self time per function and per owner (package / our code / Node core / GC), as percentages of busy time:
 * the summary docs/performance.md quotes. Idle and (program) time are left out of the denominator.
 */
export function summarise(profile: CpuProfile, top = 25): { functions: ProfileLine[]; owners: ProfileLine[]; busyMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const owner = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    busy += us;
    const who = ownerOf(url, functionName);
    const key = `${functionName || '(anonymous)'} — ${who}${url ? `:${lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    owner.set(who, (owner.get(who) ?? 0) + us);
  }
  const lines = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, percent: Math.round((us / busy) * 1000) / 10 }));
  return { functions: lines(fn), owners: lines(owner), busyMs: Math.round(busy / 1000) };
}

// CLI: node dist/load-tests/profile-summary.js FILE.cpuprofile [TOP]
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node dist/load-tests/profile-summary.js FILE.cpuprofile [TOP]\n');
    process.exit(2);
  }
  const s = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(process.argv[3] ?? 25));
  process.stdout.write(`busy ${s.busyMs} ms\n\nby owner (self time):\n`);
  for (const l of s.owners) process.stdout.write(`${l.percent.toFixed(1).padStart(5)} %  ${l.name}\n`);
  process.stdout.write('\nby function (self time):\n');
  for (const l of s.functions) process.stdout.write(`${l.percent.toFixed(1).padStart(5)} %  ${l.name}\n`);
}
