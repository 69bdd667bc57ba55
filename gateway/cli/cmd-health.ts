import { request } from 'node:https';
import { loadConfig } from '../config/load.js';
import { HEALTHZ_PATH, READYZ_PATH } from '../handlers/handler-health.js';
import type { Command } from './command.js';
import { output } from './command.js';

const PROBE_TIMEOUT_MS = 4_000;

/**
 * `hic health`: the container's health check. It reads the port (and address) from the same configuration the
 * gateway runs with, environment overrides included, so a changed `server.port` or `HIC_PORT` cannot leave the
 * check probing the wrong port.
 */
export const healthCommand: Command = {
  name: 'health',
  summary: "Probes this machine's gateway: /_hic/healthz (or /_hic/readyz with --ready). Exit 0 when it answers 200.",
  usage: `usage: hic health [--config FILE] [--ready] [--json]
  --config FILE  the gateway's configuration (port and address are read from it, with HIC_PORT / HIC_HOST applied);
                 without it: 127.0.0.1 and HIC_PORT, else 8443
  --ready        readiness (store, audit log, configuration reload, not draining) instead of liveness`,
  options: { config: { type: 'string', short: 'c' }, ready: { type: 'boolean' } },
  async run({ values, json }) {
    const { host, port } =
      typeof values.config === 'string'
        ? target(loadConfig(values.config).server)
        : target({ host: process.env.HIC_HOST ?? '127.0.0.1', port: Number(process.env.HIC_PORT ?? 8443) });
    const path = values.ready === true ? READYZ_PATH : HEALTHZ_PATH;
    const answer = await probe(host, port, path);
    output(
      json,
      { url: `https://${host.includes(':') ? `[${host}]` : host}:${port}${path}`, ...answer },
      `${path}: ${answer.status || answer.error} ${answer.body}`.trim(),
    );
    return answer.status === 200 ? 0 : 1;
  },
};

/** A wildcard listen address is probed on loopback, which the endpoints always answer. */
function target(server: { host: string; port: number }): { host: string; port: number } {
  const host = server.host === '0.0.0.0' || server.host === '' ? '127.0.0.1' : server.host === '::' ? '::1' : server.host;
  return { host, port: server.port };
}

function probe(host: string, port: number, path: string): Promise<{ status: number; body: string; error?: string }> {
  return new Promise((resolve) => {
    // The server certificate carries the public name, not the loopback address: this probe checks liveness, not identity.
    const req = request({ host, port, path, method: 'GET', rejectUnauthorized: false, timeout: PROBE_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c.slice(0, 2_000)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)));
    req.on('error', (err) => resolve({ status: 0, body: '', error: err.message }));
    req.end();
  });
}
