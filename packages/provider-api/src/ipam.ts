/**
 * Provider IPAM over @berth/net's arithmetic. IPAM lives in the provider (as in Neutron); these
 * pure helpers let every provider hand out addresses the same way: the lowest free address of the
 * subnet's allocation pools, never the network, broadcast or gateway address.
 */
import { blockSize, formatIpv4, parseCidr, parseIpv4 } from '@berth/net';
import { providerErrors } from './provider-errors.js';

/** An inclusive address range, as in a Neutron allocation pool. */
export interface AddressRange {
  start: string;
  end: string;
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
