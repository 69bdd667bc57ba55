import { cookiesOn, type Bench } from '../bench.js';
import type { LoadResult } from '../drivers/latency.js';
import { runWsLoad, type WsLoad } from '../drivers/ws.js';
import { clientTls } from '../sessions.js';
import { interleaved, medianRun, pairedRatio, type ScenarioResult, type Timing } from './types.js';

const CONNECTIONS = 50;

/**
 * WebSocket message round trips (128-byte text, echoed by the demo upstream) over 50 open sockets per target.
 * The gateway splices the upgraded socket to the upstream after the request path; @fastify/http-proxy and
 * http-proxy-middleware relay frames their own way. Opening the sockets is not measured.
 */
export async function websocketScenario(bench: Bench, timing: Timing, log: (l: string) => void): Promise<ScenarioResult> {
  const tls = clientTls(bench.pki.terminals[0]!, bench.pki.caBundle);
  const wss = (url: string) => `${url.replace(/^https/, 'wss')}/echo`;
  const gwClients = cookiesOn(bench.gatewayCookies, bench.pki.terminals.length, 0, 5).map((cookie) => ({ tls, cookie }));
  const targets: { name: string; load: Omit<WsLoad, 'durationS'> }[] = [
    {
      name: 'upstream (plain ws, reference)',
      load: {
        target: 'upstream (plain ws, reference)',
        url: `${bench.upstream.url.replace(/^http/, 'ws')}/echo`,
        connections: CONNECTIONS,
        clients: [{}],
        cpuPid: bench.upstream.pid,
      },
    },
    {
      name: 'bare',
      load: { target: 'bare', url: wss(bench.bare.url), connections: CONNECTIONS, clients: gwClients, cpuPid: bench.bare.pid },
    },
    {
      name: 'gateway',
      load: { target: 'gateway', url: wss(bench.gateway.url), connections: CONNECTIONS, clients: gwClients, cpuPid: bench.gateway.pid },
    },
  ];
  if (bench.express) {
    const clients = cookiesOn(bench.expressCookies, bench.pki.terminals.length, 0, 5).map((cookie) => ({ tls, cookie }));
    targets.push({
      name: 'express',
      load: { target: 'express', url: wss(bench.express.url), connections: CONNECTIONS, clients, cpuPid: bench.express.pid },
    });
  }
  const run = async (i: number, durationS: number): Promise<LoadResult> => {
    const r = await runWsLoad({ ...targets[i]!.load, durationS });
    log(
      `  ws ${r.target} ${durationS}s: ${r.rps} round trips/s, p99 ${r.p99} ms, ${r.cpuUsPerReq ?? '?'} µs CPU/msg, ${r.errors} errors, ${r.non2xx} mismatched`,
    );
    return r;
  };
  for (let i = 1; i < targets.length; i++) await run(i, timing.warmupS);
  const upstream = await run(0, timing.durationS);
  const rounds = Math.max(1, Math.ceil(timing.rounds / 2));
  const [bare, gateway] = await interleaved([() => run(1, timing.durationS), () => run(2, timing.durationS)], rounds);
  const express = targets[3] ? await run(3, timing.durationS) : null;
  const r = pairedRatio(gateway!, bare!);
  return {
    id: 'websocket',
    title: 'WebSocket message round trips',
    method: `${CONNECTIONS} open WebSockets (client certificate; session cookie at the upgrade), each sending a 128-byte message and waiting for its echo, ${timing.durationS} s runs; bare and gateway alternate ${rounds}×. "req/s" = round trips/s, "non-2xx" = mismatched echoes.`,
    rows: [upstream, medianRun(bare!), medianRun(gateway!), ...(express ? [express] : [])],
    figures: { 'ratio gateway/bare': r.median, 'ratio range over pairs': `${r.min}–${r.max}` },
    notes: [],
  };
}
