/**
 * A minimal DER encoder (ITU-T X.690) for the few types a CRL needs. node-forge has no CRL support, and the CRL
 * structure (RFC 5280 5.1) is small enough that writing its bytes directly is clearer than bending forge's ASN.1
 * objects to it.
 */

/** Tag-length-value with a definite, minimal length (X.690 8.1.3, 10.1). */
export function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length;
  let header: Buffer;
  if (len < 0x80) {
    header = Buffer.from([tag, len]);
  } else {
    const lenBytes: number[] = [];
    for (let n = len; n > 0; n = Math.floor(n / 256)) lenBytes.unshift(n % 256);
    header = Buffer.from([tag, 0x80 | lenBytes.length, ...lenBytes]);
  }
  return Buffer.concat([header, content]);
}

export const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
export const octetString = (content: Buffer): Buffer => tlv(0x04, content);
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
/** BIT STRING with no unused bits (a signature). */
export const bitString = (content: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
/** Context-specific constructed tag [n] (EXPLICIT tagging). */
export const explicit = (n: number, inner: Buffer): Buffer => tlv(0xa0 | n, inner);
/** Context-specific primitive tag [n] (IMPLICIT tagging of a primitive). */
export const implicitPrimitive = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);

/** Minimal two's-complement bytes of a non-negative integer given as big-endian magnitude. */
function positiveIntegerContent(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  if (trimmed.length === 0) return Buffer.from([0]);
  // A set high bit would read as negative (X.690 8.3.3), so a zero octet goes in front.
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : Buffer.from(trimmed);
}

/** INTEGER from a non-negative hex string (serial numbers). */
export function integerFromHex(hex: string): Buffer {
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return tlv(0x02, positiveIntegerContent(Buffer.from(even, 'hex')));
}

/** INTEGER from a non-negative safe integer. */
export function integer(value: number): Buffer {
  return integerFromHex(value.toString(16));
}

/** ENUMERATED from a small non-negative number. */
export function enumerated(value: number): Buffer {
  return tlv(0x0a, positiveIntegerContent(Buffer.from([value])));
}

/** OBJECT IDENTIFIER from dotted form (X.690 8.19). */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes: number[] = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * A Time (RFC 5280 5.1.2.4 / 4.1.2.5): UTCTime for dates through 2049, GeneralizedTime from 2050 on, always in
 * UTC with seconds and no fraction, as DER requires.
 */
export function time(date: Date): Buffer {
  const y = date.getUTCFullYear();
  const rest =
    [date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
      .map((n) => pad(n))
      .join('') + 'Z';
  if (y >= 1950 && y < 2050) return tlv(0x17, Buffer.from(`${pad(y % 100)}${rest}`, 'ascii'));
  return tlv(0x18, Buffer.from(`${pad(y, 4)}${rest}`, 'ascii'));
}

/** An Extension (RFC 5280 4.1): critical is omitted when false, because DER leaves out DEFAULT values. */
export function extension(id: string, value: Buffer, critical = false): Buffer {
  return critical ? sequence(oid(id), tlv(0x01, Buffer.from([0xff])), octetString(value)) : sequence(oid(id), octetString(value));
}

/** PEM armour with 64-character lines (RFC 7468). */
export function toPem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
