/**
 * The QR code of the enrolment page (AUTH-1, AUTH-2): an inline SVG the page embeds as markup, so it needs no
 * image route, no data: URL exception in the CSP and no script.
 */
import { toString as qrToString } from 'qrcode';

/**
 * Renders `uri` (an `otpauth://` URI from `totpUri`) as an SVG document fragment. Error correction M (15 %),
 * a quiet zone of 4 modules as ISO/IEC 18004 requires, so phone cameras read it at screen resolution.
 * The output contains only `<svg>` and `<path>` elements: no script, no external reference.
 */
export async function totpQrSvg(uri: string): Promise<string> {
  return qrToString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}
