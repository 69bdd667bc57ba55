import { cookiesOn, type Bench } from '../bench.js';
import { runHttpLoad, type ClientGroup } from '../drivers/http.js';
import type { LoadResult } from '../drivers/latency.js';
import { clientTls } from '../sessions.js';
import { interleaved, medianRun, pairedRatio, type ScenarioResult, type Timing } from './types.js';

/**
 * Every session of the bench at once: each session is one keep-alive connection made with the certificate of the
 * terminal it was logged in on (session i on terminal i mod 20), so the gateway holds 200 cached sessions and
 * 20 terminal verdicts while it serves them all.
 */
export async function manySessions(bench: Bench, timing: Timing, log: (l: string) => void): Promise<ScenarioResult> {
  const terminals = bench.pki.terminals;
  const groupsFor = (cookies: string[]): ClientGroup[] =>
    terminals
      .map((t, ti) => {
        const mine = cookiesOn(cookies, terminals.length, ti);
        return { tls: clientTls(t, bench.pki.caBundle), connections: mine.length, cookies: mine };
      })
      .filter((g) => g.connections > 0);
  const gw = groupsFor(bench.gatewayCookies);
  const sessions = gw.reduce((n, g) => n + g.connections, 0);
  const path = '/bytes?kb=1';
  const run = async (target: string, url: string, pid: number, groups: ClientGroup[], durationS: number): Promise<LoadResult> => {
    const r = await runHttpLoad({ target, url, path, durationS, groups, cpuPid: pid });
    log(
      `  ${target} ${sessions} sessions ${durationS}s: ${r.rps} req/s, p99 ${r.p99} ms, ${r.cpuUsPerReq ?? '?'} µs CPU/req, ${r.errors} errors, ${r.non2xx} non-2xx`,
    );
    return r;
  };
  await run('bare', bench.bare.url, bench.bare.pid, gw, timing.warmupS);
  await run('gateway', bench.gateway.url, bench.gateway.pid, gw, timing.warmupS);
  const rounds = Math.max(1, Math.ceil(timing.rounds / 2));
  const [bare, gateway] = await interleaved(
    [
      () => run('bare', bench.bare.url, bench.bare.pid, gw, timing.durationS),
      () => run('gateway', bench.gateway.url, bench.gateway.pid, gw, timing.durationS),
    ],
    rounds,
  );
  const rows = [medianRun(bare!), medianRun(gateway!)];
  if (bench.express) {
    const ex = groupsFor(bench.expressCookies);
    await run('express', bench.express.url, bench.express.pid, ex, timing.warmupS);
    rows.push(await run('express', bench.express.url, bench.express.pid, ex, timing.durationS));
  }
  const r = pairedRatio(gateway!, bare!);
  return {
    id: 'many-sessions',
    title: `${sessions} concurrent sessions from ${terminals.length} terminals`,
    method: `${sessions} keep-alive connections, one per logged-in session, each with the certificate of its own terminal (${terminals.length} terminals), GET 1 KB; bare and gateway alternate ${rounds}× (${timing.durationS} s runs).`,
    rows,
    figures: { 'ratio gateway/bare': r.median, 'ratio range over pairs': `${r.min}–${r.max}` },
    notes: [],
  };
}
