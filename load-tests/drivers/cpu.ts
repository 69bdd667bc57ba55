import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc times; 100 on every mainstream Linux build (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat; null where that does not exist
 * (not Linux) or when the target runs inside the load generator's own process, where it would count both.
 */
export function processCpuMs(pid: number): number | null {
  if (pid === process.pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces: utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * Measures the CPU a target process spends per response during `work`: a figure that, unlike req/s, does not
 * depend on how the shared cores were split between the load generator, the upstream and other processes.
 */
export async function withCpu<T extends { responses: number }>(
  pid: number | undefined,
  work: () => Promise<T>,
): Promise<T & { cpuUsPerReq?: number }> {
  const before = pid === undefined ? null : processCpuMs(pid);
  const result = await work();
  const after = pid === undefined ? null : processCpuMs(pid);
  if (before === null || after === null || result.responses === 0) return result;
  return { ...result, cpuUsPerReq: Math.round(((after - before) * 1000) / result.responses) };
}
