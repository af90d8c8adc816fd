/**
 * IPv4 address arithmetic for provider IPAM. IPAM lives in the provider (as in Neutron); these
 * pure helpers let every provider hand out addresses the same way: the lowest free address of the
 * subnet's allocation pools, never the network, broadcast or gateway address.
 */
import { providerErrors } from './provider-errors.js';

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  network: number;
  prefix: number;
}

/** An inclusive address range, as in a Neutron allocation pool. */
export interface AddressRange {
  start: string;
  end: string;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** @throws BerthError `BERTH_ERR_VALIDATION` when `address` is not dotted-quad IPv4. */
export function parseIpv4(address: string, field = 'address'): number {
  const parts = address.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) {
    throw providerErrors.invalid(field, `"${address}" is not an IPv4 address`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Parses `a.b.c.d/n`. Host bits must be zero (`10.0.0.0/24`, not `10.0.0.5/24`).
 * @throws BerthError `BERTH_ERR_VALIDATION`
 */
export function parseCidr(cidr: string, field = 'cidr'): Ipv4Cidr {
  const [address, prefixText, extra] = cidr.split('/');
  const prefix = Number(prefixText);
  if (address === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefixText ?? '')) {
    throw providerErrors.invalid(field, `"${cidr}" is not an IPv4 CIDR`);
  }
  if (prefix > 32) throw providerErrors.invalid(field, `"${cidr}" has a prefix above 32`);
  const network = parseIpv4(address, field);
  if (network % blockSize(prefix) !== 0) {
    throw providerErrors.invalid(field, `"${cidr}" has host bits set`);
  }
  return { network, prefix };
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

export function cidrContains(cidr: string, address: string): boolean {
  const { network, prefix } = parseCidr(cidr);
  const value = parseIpv4(address);
  return value >= network && value < network + blockSize(prefix);
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return x.network < y.network + blockSize(y.prefix) && y.network < x.network + blockSize(x.prefix);
}

/**
 * The usable host range of a subnet (network and broadcast excluded).
 * @throws BerthError `BERTH_ERR_VALIDATION` for prefixes longer than /30 (no room for hosts).
 */
export function hostRange(cidr: string): AddressRange {
  const { network, prefix } = parseCidr(cidr);
  if (prefix > 30) throw providerErrors.invalid('cidr', `"${cidr}" is too small for a subnet`);
  return { start: formatIpv4(network + 1), end: formatIpv4(network + blockSize(prefix) - 2) };
}

/** Neutron's default gateway: the first host address. */
export function defaultGateway(cidr: string): string {
  return hostRange(cidr).start;
}

/** Neutron's default allocation pools: every host address except the gateway. */
export function defaultAllocationPools(cidr: string, gatewayIp: string): AddressRange[] {
  const { start, end } = hostRange(cidr);
  const [first, last, gateway] = [parseIpv4(start), parseIpv4(end), parseIpv4(gatewayIp)];
  const ranges: AddressRange[] = [];
  if (gateway > first) ranges.push({ start, end: formatIpv4(Math.min(gateway - 1, last)) });
  if (gateway < last) ranges.push({ start: formatIpv4(Math.max(gateway + 1, first)), end });
  return ranges;
}

/**
 * The lowest address of `pools` that is not in `inUse`, or undefined when the pools are
 * exhausted (the caller raises `BERTH_ERR_PROVIDER_QUOTA`).
 */
export function allocateAddress(
  pools: readonly AddressRange[],
  inUse: Iterable<string>,
): string | undefined {
  const used = new Set([...inUse].map((a) => parseIpv4(a)));
  for (const pool of pools) {
    for (let value = parseIpv4(pool.start); value <= parseIpv4(pool.end); value++) {
      if (!used.has(value)) return formatIpv4(value);
    }
  }
  return undefined;
}

export function poolsContain(pools: readonly AddressRange[], address: string): boolean {
  const value = parseIpv4(address);
  return pools.some((p) => value >= parseIpv4(p.start) && value <= parseIpv4(p.end));
}
