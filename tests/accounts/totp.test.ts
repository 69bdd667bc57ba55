import t from 'tap';
import { execFileSync } from 'node:child_process';
import { currentTotp, generateTotpSecret, totpUri, verifyTotp, TOTP_PERIOD_SECONDS } from '../../gateway/accounts/totp.js';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890" (20 bytes), here in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: ReadonlyArray<{ time: number; code: string }> = [
  { time: 59, code: '94287082' },
  { time: 1111111109, code: '07081804' },
  { time: 1111111111, code: '14050471' },
  { time: 1234567890, code: '89005924' },
  { time: 2000000000, code: '69279037' },
  { time: 20000000000, code: '65353130' },
];

t.test('RFC 6238 Appendix B SHA-1 vectors', async (t) => {
  t.equal(Buffer.from('12345678901234567890').length, 20);
  for (const { time, code } of RFC_VECTORS) {
    t.equal(currentTotp(RFC_SECRET, time * 1000, 8), code, `8 digits at T=${time}`);
    // Truncation is mod 10^digits (RFC 4226 §5.3), so the 6-digit code is the last 6 digits.
    t.equal(currentTotp(RFC_SECRET, time * 1000), code.slice(2), `6 digits at T=${time}`);
    const v = verifyTotp({ secret: RFC_SECRET, token: code.slice(2), now: time * 1000 });
    t.same(v, { valid: true, timeStep: Math.floor(time / 30), drift: 0 }, `verifies at T=${time}`);
  }
});

t.test('generated secrets: 160-bit base32, distinct', async (t) => {
  const a = generateTotpSecret();
  const b = generateTotpSecret();
  t.match(a, /^[A-Z2-7]{32}$/, '32 base32 characters = 160 bits');
  t.not(a, b);
});

t.test('otpauth URI', async (t) => {
  const uri = totpUri({ secret: RFC_SECRET, account: 'tanaka01', issuer: 'HIC Gateway' });
  const url = new URL(uri);
  t.equal(url.protocol, 'otpauth:');
  t.equal(url.host, 'totp');
  t.equal(decodeURIComponent(url.pathname), '/HIC Gateway:tanaka01');
  t.equal(url.searchParams.get('secret'), RFC_SECRET);
  t.equal(url.searchParams.get('issuer'), 'HIC Gateway');
  t.equal(totpUri({ secret: RFC_SECRET, account: 'tanaka01' }), uri, 'issuer defaults to HIC Gateway');
});

t.test('window: ±1 step accepted, ±2 refused', async (t) => {
  const secret = generateTotpSecret();
  const step = 58_333_333;
  const now = step * TOTP_PERIOD_SECONDS * 1000 + 5_000; // 5 s into the step
  const at = (steps: number) => currentTotp(secret, now + steps * TOTP_PERIOD_SECONDS * 1000);
  t.same(verifyTotp({ secret, token: at(0), now }), { valid: true, timeStep: step, drift: 0 });
  t.same(verifyTotp({ secret, token: at(-1), now }), { valid: true, timeStep: step - 1, drift: -1 });
  t.same(verifyTotp({ secret, token: at(1), now }), { valid: true, timeStep: step + 1, drift: 1 });
  t.same(verifyTotp({ secret, token: at(-2), now }), { valid: false });
  t.same(verifyTotp({ secret, token: at(2), now }), { valid: false });
  // Near the end of a step the window is still exactly one step either way.
  const late = now + 24_000;
  t.equal(verifyTotp({ secret, token: at(-1), now: late }).valid, true);
  t.equal(verifyTotp({ secret, token: at(-2), now: late }).valid, false);
});

t.test('token format: spaces ignored, anything else invalid (never throws)', async (t) => {
  const secret = generateTotpSecret();
  const now = 1_750_000_005_000;
  const code = currentTotp(secret, now);
  t.equal(verifyTotp({ secret, token: `${code.slice(0, 3)} ${code.slice(3)}`, now }).valid, true);
  for (const token of ['', '12345', '1234567', 'abcdef', '12345a', '１２３４５６', `${code}0`]) {
    t.same(verifyTotp({ secret, token, now }), { valid: false }, JSON.stringify(token));
  }
  const other = generateTotpSecret();
  t.equal(verifyTotp({ secret: other, token: code, now }).valid, false, 'other secret');
});

function oathtool(args: string[]): string | undefined {
  try {
    return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const oathtoolMissing =
  oathtool(['--version']) === undefined
    ? 'oathtool is not installed (Debian: apt-get install oathtool): interoperability not checked'
    : false;

t.test('codes match oathtool --totp -b', { skip: oathtoolMissing }, async (t) => {
  const secret = generateTotpSecret();
  for (const time of [59, 1111111111, 1_750_000_005, 2000000000]) {
    t.equal(oathtool(['--totp', '-b', secret, '--now', `@${time}`]), currentTotp(secret, time * 1000), `T=${time}`);
  }
  t.equal(oathtool(['--totp', '-b', '-d', '8', RFC_SECRET, '--now', '@1234567890']), '89005924');
});
