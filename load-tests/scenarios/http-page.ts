import { cookiesOn, type Bench } from '../bench.js';
import { runHttpLoad, type ClientGroup } from '../drivers/http.js';
import type { LoadResult } from '../drivers/latency.js';
import { clientTls } from '../sessions.js';
import { interleaved, medianOf, medianRun, pairedRatio, ratio, type ScenarioResult, type Timing } from './types.js';

const CONNECTIONS = 50;
/** Sessions the 50 connections share (one terminal): like a few browser tabs and scripts of one analyst. */
const SESSIONS = 5;
/**
 * One-connection latency pairs: a p99 over one connection jumps by milliseconds when anything else on the machine
 * wakes up, and the median of four pairs is not moved by one such run (with two it was the mean of both).
 */
const LATENCY_PAIRS = 4;

interface Target {
  name: string;
  url: string;
  pid: number;
  groups: ClientGroup[];
}

/**
 * One terminal, 50 keep-alive connections, GET of a fixed-size body through each target as fast as it answers.
 * Bare and gateway alternate in short runs (`rounds` pairs) and the ratio is the median of the per-pair ratios:
 * the machine is shared (load generator, upstream, other processes), and adjacent runs see the same weather.
 * Then bare and gateway over a single connection, where latency is service time without queueing. (autocannon's
 * rate limit sends each second's requests in one burst, so a "fixed offered load" run would measure the bursts.)
 */
export async function httpPage(bench: Bench, timing: Timing, log: (l: string) => void, kb: number): Promise<ScenarioResult> {
  const path = `/bytes?kb=${kb}`;
  const tls = clientTls(bench.pki.terminals[0]!, bench.pki.caBundle);
  // The bare proxy gets the gateway's cookie too: same request bytes; it just forwards it.
  const gwGroups = [{ tls, connections: CONNECTIONS, cookies: cookiesOn(bench.gatewayCookies, bench.pki.terminals.length, 0, SESSIONS) }];
  const bare: Target = { name: 'bare', url: bench.bare.url, pid: bench.bare.pid, groups: gwGroups };
  const gateway: Target = { name: 'gateway', url: bench.gateway.url, pid: bench.gateway.pid, groups: gwGroups };
  const express: Target | null = bench.express
    ? {
        name: 'express',
        url: bench.express.url,
        pid: bench.express.pid,
        groups: [{ tls, connections: CONNECTIONS, cookies: cookiesOn(bench.expressCookies, bench.pki.terminals.length, 0, SESSIONS) }],
      }
    : null;
  const upstream: Target = {
    name: 'upstream (plain HTTP, reference)',
    url: bench.upstream.url,
    pid: bench.upstream.pid,
    groups: [{ connections: CONNECTIONS }],
  };
  const run = async (t: Target, durationS: number, connections?: number): Promise<LoadResult> => {
    const groups = connections ? t.groups.map((g) => ({ ...g, connections })) : t.groups;
    const target = connections ? `${t.name}, ${connections} connection` : t.name;
    const r = await runHttpLoad({ target, url: t.url, path, durationS, groups, cpuPid: t.pid });
    log(
      `  ${target} ${path} ${durationS}s: ${r.rps} req/s, p99 ${r.p99} ms, ${r.cpuUsPerReq ?? '?'} µs CPU/req, ${r.errors} errors, ${r.non2xx} non-2xx`,
    );
    return r;
  };

  await run(bare, timing.warmupS);
  await run(gateway, timing.warmupS);
  if (express) await run(express, Math.min(2, timing.warmupS)); // it is only reported, not compared in pairs
  const upstreamRun = await run(upstream, timing.durationS);
  const [bareRuns, gwRuns] = await interleaved([() => run(bare, timing.durationS), () => run(gateway, timing.durationS)], timing.rounds);
  const expressRun = express ? await run(express, timing.durationS) : null;
  // One connection, one request at a time: no queueing, so the difference is the request path's own latency.
  const [bare1, gw1] = await interleaved(
    [() => run(bare, timing.durationS, 1), () => run(gateway, timing.durationS, 1)],
    Math.min(LATENCY_PAIRS, timing.rounds),
  );
  const r = pairedRatio(gwRuns!, bareRuns!);
  const bareMid = medianRun(bareRuns!);
  const gwMid = medianRun(gwRuns!);
  const cpu = (runs: LoadResult[]) => medianOf(runs.map((x) => x.cpuUsPerReq ?? 0));
  return {
    id: kb === 1 ? 'small-page' : `response-${kb}kb`,
    title: `GET ${kb} KB through each target`,
    method:
      `${CONNECTIONS} keep-alive connections from one terminal (client certificate), ${SESSIONS} sessions, as fast as each target answers; ` +
      `bare and gateway alternate in ${timing.rounds} pairs of ${timing.durationS} s runs (rows: the median run; ratio: median of the per-pair ratios). ` +
      `Then bare and gateway over one connection, ${Math.min(LATENCY_PAIRS, timing.rounds)} pairs (no queueing: the latency the request path itself adds; p99 delta: median of the pairs).`,
    rows: [upstreamRun, bareMid, gwMid, ...(expressRun ? [expressRun] : []), medianRun(bare1!), medianRun(gw1!)],
    figures: {
      'ratio gateway/bare': r.median,
      'ratio range over pairs': `${r.min}–${r.max}`,
      'p99 delta, 50 connections (ms, median of pairs)': round(medianOf(gwRuns!.map((g, i) => g.p99 - bareRuns![i]!.p99))),
      'p99 delta, 1 connection (ms)': round(medianOf(gw1!.map((g, i) => g.p99 - bare1![i]!.p99))),
      ...(cpu(bareRuns!) > 0 ? { 'CPU per request gateway/bare': ratio(cpu(gwRuns!), cpu(bareRuns!)) } : {}),
      ...(expressRun ? { 'ratio express/bare (req/s)': ratio(expressRun.rps, bareMid.rps) } : {}),
    },
    notes: bench.notes,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
