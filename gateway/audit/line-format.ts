import * as crypto from 'node:crypto';

/** `prev` of seq 1: there is no previous line. */
export const GENESIS = '0'.repeat(64);

/** Envelope fields; a record's own field of the same name is kept as `_<name>` so the envelope cannot be spoofed. */
const RESERVED = ['seq', 'prev', 'time', 'instance', 'kind'] as const;

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Hex SHA-256 of a line's exact bytes (without the newline). Every access record is hashed on the event loop, so
 * the one-shot `crypto.hash` (Node ≥ 20.12: half the cost of a Hash object per line, docs/performance.md) is used
 * where it exists; both hash strings as UTF-8.
 */
export const hashLine: (line: string | Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (line) => crypto.hash('sha256', line, 'hex')
    : (line) => crypto.createHash('sha256').update(line).digest('hex');

/** Whether `value` looks like a line hash. */
export function isHash(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}

/**
 * Serialises a record once, when it is logged: this snapshots it (the caller may reuse the object) and is the one
 * JSON.stringify per line. The seq/prev envelope is prepended later, in chain order, by {@link composeLine}.
 * Never throws: a record that cannot be serialised (BigInt, cycle) is still recorded, as an error marker.
 */
export function encodeBody(record: Record<string, unknown>): string {
  let source: Record<string, unknown> = record;
  for (const key of RESERVED) {
    if (Object.hasOwn(record, key)) {
      source = renameReserved(record);
      break;
    }
  }
  try {
    return JSON.stringify(source);
  } catch (err) {
    return JSON.stringify({
      auditError: `record not serialisable: ${err instanceof Error ? err.message : String(err)}`,
      fields: Object.keys(record),
    });
  }
}

function renameReserved(record: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    copy[(RESERVED as readonly string[]).includes(key) ? `_${key}` : key] = value;
  }
  return copy;
}

/**
 * Builds one line. Envelope first (seq, prev, time, instance, kind) so a reader sees the chain at a glance; the
 * envelope parts are known-safe strings, so plain concatenation yields valid JSON without a second stringify.
 * @param instanceJson the instance id already JSON-encoded (done once at open).
 */
export function composeLine(
  seq: number,
  prev: string,
  time: string,
  instanceJson: string,
  kind: 'access' | 'security',
  body: string,
): string {
  const head = `{"seq":${seq},"prev":"${prev}","time":"${time}","instance":${instanceJson},"kind":"${kind}"`;
  return body === '{}' ? `${head}}` : `${head},${body.slice(1)}`;
}

/**
 * Writes the line {@link composeLine} builds (without the newline) into `buf` at `at` and returns where it ends;
 * the caller has made room for it (see {@link lineBytesAtMost}). Same bytes, without building the line as one
 * string first: the body is written where it goes and its opening brace becomes the envelope's comma.
 */
export function writeLine(
  buf: Buffer,
  at: number,
  seq: number,
  prev: string,
  time: string,
  instanceJson: string,
  kind: 'access' | 'security',
  body: string,
): number {
  const end = at + buf.write(`{"seq":${seq},"prev":"${prev}","time":"${time}","instance":${instanceJson},"kind":"${kind}"`, at, 'utf8');
  if (body === '{}') {
    buf[end] = 0x7d; // }
    return end + 1;
  }
  const bodyEnd = end + buf.write(body, end, 'utf8');
  buf[end] = 0x2c; // the body's `{` becomes `,`
  return bodyEnd;
}

/** Room {@link writeLine} may need: the envelope (seq up to 16 digits) and the body, 3 UTF-8 bytes per UTF-16 unit. */
export function lineBytesAtMost(time: string, instanceJson: string, body: string): number {
  return 160 + (time.length + instanceJson.length + body.length) * 3;
}

const DAY_FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;

/** Whether a directory entry is a day file (`YYYY-MM-DD.jsonl`). */
export function isDayFile(name: string): boolean {
  return DAY_FILE.test(name);
}

/** Day file holding a line whose ISO `time` is given: the UTC date is the first ten characters. */
export function dayFileOf(isoTime: string): string {
  return `${isoTime.slice(0, 10)}.jsonl`;
}

/** Name of the checkpoint file inside an instance directory. */
export const CHECKPOINT_FILE = 'checkpoints.jsonl';

/** Instance ids become directory names: keep them to a safe alphabet. */
export const INSTANCE_ID = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$/;
