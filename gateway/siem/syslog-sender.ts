import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { frameOctetCounted } from './rfc5424.js';

/** Where syslog messages go. */
export interface SyslogTarget {
  host: string;
  port: number;
  protocol: 'udp' | 'tcp' | 'tls';
  /** CA bundle for a TLS server (default: the system's). */
  caFile?: string;
}

/** Messages waiting while a TCP/TLS connection is being (re)made; beyond this the oldest are dropped. */
const MAX_QUEUED = 10_000;
/** Bytes buffered by a connected socket before messages are dropped rather than piling up in memory. */
const MAX_BUFFERED = 4 * 1024 * 1024;
const RECONNECT_MS = 2_000;

/**
 * Sends formatted RFC 5424 messages: one datagram each over UDP (RFC 5426), octet-counted frames over TCP
 * (RFC 6587) or TLS (RFC 5425). `send` never blocks and never throws: the audit log is the record, syslog a copy,
 * so a slow or absent collector must not slow a request. Drops are counted and reported through `onError`.
 */
export class SyslogSender {
  private udp: UdpSocket | null = null;
  private stream: Socket | null = null;
  private connecting = false;
  private retryAt = 0;
  private queue: Buffer[] = [];
  private closed = false;
  /** Messages dropped because the collector was unreachable or too slow. */
  dropped = 0;

  constructor(
    private readonly target: SyslogTarget,
    private readonly onError: (err: unknown) => void = (err) => process.emitWarning(`hic: syslog: ${String(err)}`),
  ) {}

  send(message: string): void {
    if (this.closed) return;
    if (this.target.protocol === 'udp') return this.sendUdp(Buffer.from(message, 'utf8'));
    const frame = frameOctetCounted(message);
    if (this.stream && !this.connecting) {
      if (this.stream.writableLength > MAX_BUFFERED) return this.drop();
      this.stream.write(frame);
      return;
    }
    this.queue.push(frame);
    if (this.queue.length > MAX_QUEUED) {
      this.queue.shift();
      this.drop();
    }
    this.connect();
  }

  /** Sends what is queued (best effort) and closes the socket. */
  async close(): Promise<void> {
    this.closed = true;
    const udp = this.udp;
    this.udp = null;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    const stream = this.stream;
    this.stream = null;
    if (stream && !stream.destroyed) await new Promise<void>((resolve) => stream.end(() => resolve()));
  }

  private sendUdp(datagram: Buffer): void {
    if (!this.udp) {
      this.udp = createSocket(isIP(this.target.host) === 6 ? 'udp6' : 'udp4');
      this.udp.on('error', (err) => this.onError(err));
      this.udp.unref();
    }
    this.udp.send(datagram, this.target.port, this.target.host, (err) => {
      if (err) {
        this.drop();
        this.onError(err);
      }
    });
  }

  private connect(): void {
    if (this.connecting || this.stream || Date.now() < this.retryAt) return;
    this.connecting = true;
    const { host, port } = this.target;
    const socket =
      this.target.protocol === 'tls'
        ? connectTls({
            host,
            port,
            servername: isIP(host) ? undefined : host,
            ...(this.target.caFile ? { ca: readFileSync(this.target.caFile, 'utf8') } : {}),
          })
        : connectTcp({ host, port });
    socket.unref();
    socket.once(this.target.protocol === 'tls' ? 'secureConnect' : 'connect', () => {
      this.connecting = false;
      for (const frame of this.queue) socket.write(frame);
      this.queue = [];
    });
    socket.on('error', (err) => this.onError(err));
    socket.on('close', () => {
      this.stream = null;
      this.connecting = false;
      this.retryAt = Date.now() + RECONNECT_MS;
      // Queued frames wait for the next send after the pause (no timer keeps the process alive).
    });
    this.stream = socket;
  }

  private drop(): void {
    this.dropped += 1;
    // Report the first drop and then every 1000th, not each one.
    if (this.dropped === 1 || this.dropped % 1000 === 0) this.onError(new Error(`${this.dropped} syslog message(s) dropped`));
  }
}
