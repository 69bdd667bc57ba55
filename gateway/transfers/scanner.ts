import { connect, type Socket } from 'node:net';

export type ScanVerdict = { status: 'clean'; engine: string } | { status: 'infected'; signature: string; engine: string };

/** A virus scanner for imports (HIC GL 第6: files come in only after a virus check). */
export interface Scanner {
  /** Throws ScannerUnavailable when no verdict could be had: the import then waits, it never passes unscanned. */
  scan(bytes: Buffer): Promise<ScanVerdict>;
}

export class ScannerUnavailable extends Error {
  override name = 'ScannerUnavailable';
}

const CHUNK = 64 * 1024;

/**
 * ClamAV's clamd over its socket (unix or TCP) with the INSTREAM command: the bytes are sent in length-prefixed
 * chunks, ended by a zero length; the answer is `stream: OK` or `stream: <signature> FOUND` (clamd's protocol,
 * clamd(8)). The `z` prefix makes commands and answers NUL-terminated.
 */
export class ClamdScanner implements Scanner {
  constructor(private readonly opts: { socket?: string; host?: string; port: number; timeoutMs: number }) {}

  scan(bytes: Buffer): Promise<ScanVerdict> {
    return new Promise((resolve, reject) => {
      const socket: Socket = this.opts.socket ? connect(this.opts.socket) : connect(this.opts.port, this.opts.host ?? '127.0.0.1');
      const chunks: Buffer[] = [];
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(new ScannerUnavailable(why));
      };
      socket.setTimeout(this.opts.timeoutMs, () => fail('clamd did not answer in time'));
      socket.on('error', (err) => fail(`clamd is not reachable: ${err.message}`));
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('close', () => {
        if (settled) return;
        const answer = Buffer.concat(chunks).toString('utf8').replace(/\0/g, '').trim();
        const found = /^stream: (.+) FOUND$/.exec(answer);
        if (answer === 'stream: OK') {
          settled = true;
          resolve({ status: 'clean', engine: 'clamd' });
        } else if (found) {
          settled = true;
          resolve({ status: 'infected', signature: found[1]!, engine: 'clamd' });
        } else fail(`clamd gave no verdict: ${answer.slice(0, 200) || '(nothing)'}`);
      });
      socket.on('connect', () => {
        socket.write('zINSTREAM\0');
        for (let i = 0; i < bytes.length; i += CHUNK) {
          const part = bytes.subarray(i, i + CHUNK);
          const len = Buffer.alloc(4);
          len.writeUInt32BE(part.length);
          socket.write(len);
          socket.write(part);
        }
        socket.write(Buffer.alloc(4));
      });
    });
  }
}
