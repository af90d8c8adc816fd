/** IPv4 CIDR arithmetic for validating cluster networks (pure, no dependencies). */

export interface ParsedCidr {
  /** Network address as an unsigned 32-bit integer. */
  address: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; returns undefined for anything else. */
export function parseIpv4Cidr(text: string): ParsedCidr | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** True when the address has bits set beyond the prefix (e.g. 10.0.0.5/24). */
export function hasHostBits(cidr: ParsedCidr): boolean {
  return cidr.address % blockSize(cidr.prefix) !== 0;
}

/** The same CIDR with host bits cleared, as text: what the user probably meant. */
export function canonicalCidr(cidr: ParsedCidr): string {
  const network = cidr.address - (cidr.address % blockSize(cidr.prefix));
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
  return `${octets.join('.')}/${cidr.prefix}`;
}

/** True when two CIDRs share at least one address. */
export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  const aEnd = a.address + blockSize(a.prefix);
  const bEnd = b.address + blockSize(b.prefix);
  return a.address < bEnd && b.address < aEnd;
}
