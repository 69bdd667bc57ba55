import { isIP } from 'node:net';
import { unmapIPv4 } from '../net/cidr.js';

/**
 * The network an address belongs to, for "a login from a network new for that user" (LOG-4): the /24 of an IPv4
 * address, the /64 of an IPv6 one (one site's LAN; IPv6 privacy addresses change inside it every day).
 */
export function networkOf(address: string): string {
  const plain = unmapIPv4(address);
  const version = isIP(plain);
  if (version === 4) return `${plain.split('.').slice(0, 3).join('.')}.0/24`;
  if (version === 6) return `${expandIPv6(plain).slice(0, 4).join(':')}::/64`;
  return address;
}

/** Eight hextets of an IPv6 address, without leading zeros ("2001:db8::1" → ["2001","db8","0",...,"1"]). */
function expandIPv6(address: string): string[] {
  const zone = address.indexOf('%');
  const bare = zone === -1 ? address : address.slice(0, zone);
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const middle = Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...middle, ...right].map((h) => (h.includes('.') ? h : (Number.parseInt(h, 16) || 0).toString(16)));
}
