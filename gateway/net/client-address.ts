import type { NetworkSet } from './cidr.js';
import { unmapIPv4 } from './cidr.js';

/**
 * The client's address for network rules (AC-1). X-Forwarded-For is believed only when the TCP peer is a
 * configured trusted proxy; then the right-most address that is not itself a trusted proxy is the client.
 * A spoofed header from anyone else is ignored.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | string[] | undefined, trusted: NetworkSet): string {
  const direct = unmapIPv4(peer ?? '');
  if (!forwardedFor || trusted.size === 0 || !trusted.has(direct)) return direct;
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor;
  const hops = header.split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = unmapIPv4(hops[i]!.trim());
    if (hop === '') continue;
    if (!trusted.has(hop)) return hop;
  }
  return direct;
}
