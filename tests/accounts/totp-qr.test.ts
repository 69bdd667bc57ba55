import t from 'tap';
import { totpQrSvg } from '../../gateway/accounts/totp-qr.js';
import { totpUri } from '../../gateway/accounts/totp.js';

t.test('enrolment QR code is a script-free SVG', async (t) => {
  const svg = await totpQrSvg(totpUri({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', account: 'tanaka01' }));
  t.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  t.match(svg, /<\/svg>\s*$/);
  t.notMatch(svg, /<script|javascript:|on\w+=|href=/i);
  t.notMatch(svg, /GEZDGNBV/, 'the secret is not in the markup as text');
});
