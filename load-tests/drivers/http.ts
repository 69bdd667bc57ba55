import autocannon from 'autocannon';
import { withCpu } from './cpu.js';
import { LatencyRecorder, toResult, type LoadResult } from './latency.js';

/** One group of connections sharing a client identity (autocannon gives all connections of an instance one TLS setup). */
export interface ClientGroup {
  /** Client certificate, key and CA, passed to tls.connect by autocannon. Omit for plain HTTP. */
  tls?: { cert: string; key: string; ca: string };
  connections: number;
  /** Cookie header per connection, assigned round-robin (a connection keeps one session for the whole run). */
  cookies?: string[];
}

/** One HTTP measurement: a target, a path, a duration and the client groups. */
export interface HttpLoad {
  target: string;
  /** Base URL (https://127.0.0.1:port); loopback only. */
  url: string;
  path: string;
  durationS: number;
  groups: ClientGroup[];
  /** The target's process id: its CPU time per response is reported (see cpu.ts). */
  cpuPid?: number;
}

/**
 * Runs autocannon (programmatic API, bounded duration) with one instance per client group, all at once, and
 * merges them into one row: exact latencies from the `response` events, errors and non-2xx counted.
 */
export function runHttpLoad(load: HttpLoad): Promise<LoadResult> {
  return withCpu(load.cpuPid, () => measure(load));
}

async function measure(load: HttpLoad): Promise<LoadResult> {
  if (!/^https?:\/\/127\.0\.0\.1:/.test(load.url)) throw new Error(`load tests run on loopback only, not ${load.url}`);
  const rec = new LatencyRecorder();
  let non2xx = 0;
  const started = process.hrtime.bigint();
  const results = await Promise.all(
    load.groups.map((g) => {
      let next = 0;
      const opts: autocannon.Options = {
        url: load.url + load.path,
        connections: g.connections,
        duration: load.durationS,
        timeout: 10,
        // The server certificate names 127.0.0.1 too, but SNI must not carry an IP address (RFC 6066 §3).
        ...(g.tls ? { tlsOptions: { ...g.tls }, servername: 'localhost' } : {}),
        ...(g.cookies && g.cookies.length > 0
          ? { setupClient: (client: autocannon.Client) => client.setHeaders({ cookie: g.cookies![next++ % g.cookies!.length] }) }
          : {}),
      };
      return new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
        instance.on('response', (_client, status, _bytes, ms) => {
          rec.record(ms);
          if (status < 200 || status > 299) non2xx++;
        });
      });
    }),
  );
  const durationS = Number(process.hrtime.bigint() - started) / 1e9;
  const errors = results.reduce((n, r) => n + r.errors, 0);
  return toResult(load.target, rec, { errors, non2xx, durationS });
}
