import type { Bench } from '../bench.js';
import { runHttpLoad, type ClientGroup } from '../drivers/http.js';
import type { LoadResult } from '../drivers/latency.js';
import { clientTls } from '../sessions.js';
import { interleaved, ratio, type ScenarioResult, type Timing } from './types.js';

const CONNECTIONS = 50;
/** Sessions the 50 connections share (one terminal): like a few browser tabs and scripts of one analyst. */
const SESSIONS = 5;

/**
 * One terminal, 50 keep-alive connections, GET of a fixed-size body through each target, as fast as it answers
 * (throughput and latency under saturation). Then bare and gateway over a single connection, where latency is
 * service time without queueing. (autocannon's rate limit sends each second's requests in one burst, so a
 * "fixed offered load" run would measure the bursts, not the path.)
 */
export async function httpPage(bench: Bench, timing: Timing, log: (l: string) => void, kb: number): Promise<ScenarioResult> {
  const path = `/bytes?kb=${kb}`;
  const tls = clientTls(bench.pki.terminals[0]!, bench.pki.caBundle);
  const gwCookies = bench.gatewayCookies.slice(0, SESSIONS);
  const exCookies = bench.expressCookies.slice(0, SESSIONS);
  const group = (cookies: string[]): ClientGroup[] => [{ tls, connections: CONNECTIONS, cookies }];
  const run = (target: string, url: string, groups: ClientGroup[], durationS: number) => {
    log(`  ${target} ${path} ${durationS}s`);
    return runHttpLoad({ target, url, path, durationS, groups });
  };
  // The bare proxy gets the gateway's cookie too: same request bytes; it just forwards it.
  const targets: { name: string; url: string; groups: ClientGroup[] }[] = [
    { name: 'bare', url: bench.bare.url, groups: group(gwCookies) },
    { name: 'gateway', url: bench.gateway.url, groups: group(gwCookies) },
    ...(bench.express ? [{ name: 'express', url: bench.express.url, groups: group(exCookies) }] : []),
  ];
  for (const t of targets) await run(t.name, t.url, t.groups, timing.warmupS);
  const upstream = await run('upstream (plain HTTP, reference)', bench.upstream.url, [{ connections: CONNECTIONS }], timing.durationS);
  const [bare, gateway] = await interleaved(
    [() => run('bare', bench.bare.url, targets[0]!.groups, timing.durationS), () => run('gateway', bench.gateway.url, targets[1]!.groups, timing.durationS)],
    timing.rounds,
  );
  const rows: LoadResult[] = [upstream, bare!, gateway!];
  if (targets[2]) rows.push(await run('express', targets[2].url, targets[2].groups, timing.durationS));
  // One connection, one request at a time: no queueing, so the difference is the request path's own latency.
  const single = (t: { name: string; url: string; groups: ClientGroup[] }) =>
    run(`${t.name}, 1 connection`, t.url, [{ ...t.groups[0]!, connections: 1 }], timing.durationS);
  const [bare1, gateway1] = await interleaved([() => single(targets[0]!), () => single(targets[1]!)], 1);
  return {
    id: kb === 1 ? 'small-page' : `response-${kb}kb`,
    title: `GET ${kb} KB through each target`,
    method:
      `${CONNECTIONS} keep-alive connections from one terminal (client certificate), ${SESSIONS} sessions, as fast as each target answers; ` +
      `${timing.durationS} s per run, bare and gateway interleaved ${timing.rounds}× (median shown). ` +
      'Then bare and gateway with one connection (no queueing: the latency the request path itself adds).',
    rows: [...rows, bare1!, gateway1!],
    figures: {
      'ratio gateway/bare': ratio(gateway!.rps, bare!.rps),
      'p99 delta, 50 connections (ms)': round(gateway!.p99 - bare!.p99),
      'p99 delta, 1 connection (ms)': round(gateway1!.p99 - bare1!.p99),
      ...(bench.express ? { 'ratio express/bare': ratio(rows[3]!.rps, bare!.rps) } : {}),
    },
    notes: bench.notes,
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
