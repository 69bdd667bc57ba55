import { cookiesOn, type Bench } from '../bench.js';
import { runHttpLoad } from '../drivers/http.js';
import { pinTo } from '../fleet.js';
import type { LoadResult } from '../drivers/latency.js';
import { runLoginStorm } from '../drivers/logins.js';
import { clientTls } from '../sessions.js';
import type { ScenarioResult, Timing } from './types.js';

const PROXY_CONNECTIONS = 20;
const LOGINS_IN_FLIGHT = 8;

/**
 * Proxying while people log in: the same small-page load through the gateway, first alone, then while
 * LOGINS_IN_FLIGHT clients log in continuously (each login costs one argon2id hash at the production cost, on
 * libuv's thread pool). Proxying must go on: the figure to watch is the proxy's p99 during the storm.
 */
export async function loginStorm(bench: Bench, timing: Timing, log: (l: string) => void): Promise<ScenarioResult> {
  // The thread pool exists to use the other cores: for this scenario the gateway may run on every CPU, as deployed.
  if (bench.pinned) pinTo(bench.gateway.pid, bench.allCpus);
  try {
    return await measure(bench, timing, log);
  } finally {
    if (bench.pinned) pinTo(bench.gateway.pid, bench.allCpus.slice(bench.allCpus.indexOf('-') + 1));
  }
}

async function measure(bench: Bench, timing: Timing, log: (l: string) => void): Promise<ScenarioResult> {
  const groups = [
    {
      tls: clientTls(bench.pki.terminals[0]!, bench.pki.caBundle),
      connections: PROXY_CONNECTIONS,
      cookies: cookiesOn(bench.gatewayCookies, bench.pki.terminals.length, 0, 5),
    },
  ];
  const proxy = (target: string, durationS: number): Promise<LoadResult> =>
    runHttpLoad({ target, url: bench.gateway.url, path: '/bytes?kb=1', durationS, groups, cpuPid: bench.gateway.pid });
  await proxy('warm-up', timing.warmupS);
  const before = await proxy('gateway proxying, no logins', timing.durationS);
  log(`  alone: ${before.rps} req/s, p99 ${before.p99} ms`);
  const durationS = timing.durationS * 2;
  const [during, logins] = await Promise.all([
    proxy('gateway proxying, during the login storm', durationS),
    runLoginStorm({
      url: bench.gateway.url,
      users: bench.seed.stormUsers,
      terminals: bench.pki.terminals,
      ca: bench.pki.caBundle,
      concurrency: LOGINS_IN_FLIGHT,
      durationS,
    }),
  ]);
  log(`  during storm: ${during.rps} req/s, p99 ${during.p99} ms; logins ${logins.rps}/s, p99 ${logins.p99} ms, ${logins.non2xx} failed`);
  const notes =
    logins.responses >= bench.seed.stormUsers.length
      ? [`The storm ran out of users (${bench.seed.stormUsers.length}); it ended before the proxy run.`]
      : [];
  return {
    id: 'login-storm',
    title: 'Login storm (argon2id) while proxying',
    method: `Gateway free to use every CPU (not pinned). ${PROXY_CONNECTIONS} connections GET 1 KB through the gateway for ${timing.durationS} s alone, then for ${durationS} s while ${LOGINS_IN_FLIGHT} clients log in back to back (password at the production argon2id cost + TOTP + session + durable audit events), each login on a new TLS connection.`,
    rows: [before, during, logins],
    figures: {
      'proxy throughput during/alone': Math.round((during.rps / Math.max(1, before.rps)) * 100) / 100,
      'proxy p99 during − alone (ms)': Math.round((during.p99 - before.p99) * 100) / 100,
      'logins/s': logins.rps,
    },
    notes,
  };
}
