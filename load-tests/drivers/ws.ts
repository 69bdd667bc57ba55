import WebSocket from 'ws';
import { withCpu } from './cpu.js';
import { LatencyRecorder, toResult, type LoadResult } from './latency.js';

/** One WebSocket measurement. */
export interface WsLoad {
  target: string;
  /** wss://127.0.0.1:port/echo or ws://… for the upstream itself. */
  url: string;
  durationS: number;
  connections: number;
  /** Per connection, round-robin: client TLS identity and Cookie header. */
  clients: { tls?: { cert: string; key: string; ca: string }; cookie?: string }[];
  messageBytes?: number;
  /** The target's process id: its CPU time per round trip is reported (see cpu.ts). */
  cpuPid?: number;
}

/**
 * WebSocket round trips: each connection sends a message, waits for the echo, records the time, and sends the
 * next, until the duration is over (bounded). Opening the sockets is not part of the measurement.
 */
export function runWsLoad(load: WsLoad): Promise<LoadResult> {
  return withCpu(load.cpuPid, () => measure(load));
}

async function measure(load: WsLoad): Promise<LoadResult> {
  if (!/^wss?:\/\/127\.0\.0\.1:/.test(load.url)) throw new Error(`load tests run on loopback only, not ${load.url}`);
  const payload = 'm'.repeat(load.messageBytes ?? 128);
  const sockets = await Promise.all(Array.from({ length: load.connections }, (_, i) => open(load, i)));
  const rec = new LatencyRecorder();
  let mismatched = 0;
  let errors = sockets.filter((s) => s === null).length;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(load.durationS * 1e9));
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (!ws) return resolve();
          let sentAt = 0n;
          const send = () => {
            sentAt = process.hrtime.bigint();
            ws.send(payload);
          };
          ws.on('message', (data) => {
            const now = process.hrtime.bigint();
            rec.record(Number(now - sentAt) / 1e6);
            if (String(data) !== payload) mismatched++;
            if (now < deadline) send();
            else resolve();
          });
          ws.on('error', () => {
            errors++;
            resolve();
          });
          ws.on('close', () => resolve());
          send();
        }),
    ),
  );
  const durationS = Number(process.hrtime.bigint() - started) / 1e9;
  for (const ws of sockets) ws?.terminate();
  return toResult(load.target, rec, { errors, non2xx: mismatched, durationS });
}

function open(load: WsLoad, i: number): Promise<WebSocket | null> {
  const client = load.clients[i % load.clients.length]!;
  const ws = new WebSocket(load.url, {
    ...(client.tls ?? {}),
    headers: client.cookie ? { cookie: client.cookie } : {},
    perMessageDeflate: false,
  });
  return new Promise((resolve) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(null);
    });
    ws.once('error', () => resolve(null));
  });
}
