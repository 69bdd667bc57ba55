import { BlockList, isIP } from 'node:net';

/** Parses "10.0.0.0/8", "::1/128" or a bare address; returns null when malformed. */
export function parseCidr(text: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = slash === -1 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * A compiled set of networks. Node's BlockList does the matching natively, so the hot path never parses
 * configuration text (DESIGN: compiled CIDR matching).
 */
export class NetworkSet {
  private readonly list = new BlockList();
  /**
   * Answers already computed, by address text. BlockList.check builds a native SocketAddress on every call
   * (~1.4 µs, the largest cost of the request path in the CPU profile, docs/performance.md), while a gateway sees
   * few distinct client addresses. A set never changes after construction (config changes build a new one), so
   * an answer cannot go stale; the memo is bounded and simply restarts when full.
   */
  private readonly memo = new Map<string, boolean>();
  readonly size: number;
  constructor(cidrs: readonly string[]) {
    for (const text of cidrs) {
      const cidr = parseCidr(text);
      if (!cidr) throw new Error(`invalid CIDR: ${text}`);
      this.list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
    this.size = cidrs.length;
  }
  has(address: string): boolean {
    if (this.size === 0) return false;
    const known = this.memo.get(address);
    if (known !== undefined) return known;
    const plain = unmapIPv4(address);
    const version = isIP(plain);
    const answer = version !== 0 && this.list.check(plain, version === 4 ? 'ipv4' : 'ipv6');
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(address, answer);
    return answer;
  }
}

/** Distinct addresses remembered per set: far more than the sites of a deployment, small enough not to matter. */
const MEMO_LIMIT = 4096;

/** "::ffff:10.1.2.3" (how dual-stack sockets report IPv4 peers) → "10.1.2.3". */
export function unmapIPv4(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
