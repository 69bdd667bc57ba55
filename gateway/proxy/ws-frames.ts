/**
 * Watches the frames a browser sends on a spliced WebSocket (RFC 6455 5.2) without decoding them, to tell the
 * analyst's own messages from the browser's automatic replies. SES-1: a kernel message sent by running a cell is
 * operation; a pong answering the workspace's ping (every 30 s in Jupyter) is not, and neither is anything the
 * workspace sends. Only frame headers are read; payloads are skipped by length, never unmasked or copied.
 */
export class ClientFrameWatcher {
  /** Payload bytes of the current frame still to skip. */
  private skip = 0;
  /** A frame header cut by a chunk boundary (at most 13 bytes). */
  private partial: Buffer | null = null;

  /** `onMessage` runs for every data frame (text, binary, continuation). */
  constructor(private readonly onMessage: () => void) {}

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.partial !== null) {
      data = Buffer.concat([this.partial, chunk]);
      this.partial = null;
    }
    let i = 0;
    while (i < data.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const end = this.header(data, i);
      if (end === -1) {
        this.partial = Buffer.from(data.subarray(i));
        return;
      }
      i = end;
    }
  }

  /** Reads the frame header at `at`; returns where the payload starts, or -1 when the header is incomplete. */
  private header(data: Buffer, at: number): number {
    if (data.length - at < 2) return -1;
    const opcode = data[at]! & 0x0f;
    const second = data[at + 1]!;
    const masked = (second & 0x80) !== 0;
    let length = second & 0x7f;
    let pos = at + 2;
    if (length === 126) {
      if (data.length - pos < 2) return -1;
      length = data.readUInt16BE(pos);
      pos += 2;
    } else if (length === 127) {
      if (data.length - pos < 8) return -1;
      length = Number(data.readBigUInt64BE(pos));
      pos += 8;
    }
    if (masked) {
      if (data.length - pos < 4) return -1;
      pos += 4;
    }
    // 0x0 continuation, 0x1 text, 0x2 binary; 0x8 close, 0x9 ping, 0xA pong are control frames.
    if (opcode <= 0x2) this.onMessage();
    this.skip = length;
    return pos;
  }
}
