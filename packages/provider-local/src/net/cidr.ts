/**
 * IPv4 CIDR arithmetic, pure. The local provider is IPv4-only: tenant and external networks
 * are IPv4 subnets, as the Berth cluster spec is.
 */
import { BerthError } from '@berth/errors';

export interface Cidr {
  /** The network address as a 32-bit unsigned integer. */
  network: number;
  prefix: number;
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4) throw invalid(ip);
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) throw invalid(ip);
    const octet = Number(part);
    if (octet > 255) throw invalid(ip);
    value = value * 256 + octet;
  }
  return value;
}

export function intToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function isIpv4(text: string): boolean {
  try {
    ipToInt(text);
    return true;
  } catch {
    return false;
  }
}

/** Parses `a.b.c.d/n`; the address must be the network address (host bits zero). */
export function parseCidr(text: string): Cidr {
  const [ip, prefixText, extra] = text.split('/');
  if (ip === undefined || prefixText === undefined || extra !== undefined) throw invalid(text);
  if (!/^\d{1,2}$/.test(prefixText)) throw invalid(text);
  const prefix = Number(prefixText);
  if (prefix > 32) throw invalid(text);
  const network = ipToInt(ip);
  if (network % blockSize(prefix) !== 0) {
    throw new BerthError('BERTH_ERR_VALIDATION', `${text} has host bits set`, { field: 'cidr' });
  }
  return { network, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${intToIp(cidr.network)}/${cidr.prefix}`;
}

export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

export function broadcastOf(cidr: Cidr): number {
  return cidr.network + blockSize(cidr.prefix) - 1;
}

/** The `n`-th address of the block (1 = first host address, the conventional gateway). */
export function nthAddress(cidr: Cidr, n: number): string {
  if (n < 0 || n >= blockSize(cidr.prefix)) {
    throw new BerthError('BERTH_ERR_VALIDATION', `address #${n} is outside ${formatCidr(cidr)}`);
  }
  return intToIp(cidr.network + n);
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  const value = ipToInt(ip);
  return value >= cidr.network && value <= broadcastOf(cidr);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.network <= broadcastOf(b) && b.network <= broadcastOf(a);
}

/** `ip/prefix` for an address inside `cidr`, as `ip addr` wants it. */
export function withPrefix(ip: string, cidr: Cidr): string {
  return `${ip}/${cidr.prefix}`;
}

function invalid(text: string): BerthError {
  return new BerthError('BERTH_ERR_VALIDATION', `"${text}" is not an IPv4 address or CIDR`, {
    field: 'cidr',
  });
}
