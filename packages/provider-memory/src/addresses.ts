/**
 * IPAM over the memory state: which addresses of a subnet are taken, handing out the next one,
 * and resolving port ids (server ports, load balancer VIP ports, router interfaces).
 */
import { cidrContains, parseCidr, parseIpv4 } from '@berth/net';
import { allocateAddress, poolsContain, providerErrors, type Subnet } from '@berth/provider-api';
import { addressesOn, lookup, where } from './indexed-table.js';
import type { MemoryState } from './state.js';

/** Addresses of `subnet` held by anything, the gateway included. */
export function addressesInUse(state: MemoryState, subnet: Subnet): string[] {
  const held: string[] = [];
  for (const table of [state.servers, state.loadBalancers, state.floatingIps, state.routers]) {
    held.push(...addressesOn(table, subnet.networkId));
  }
  const cidr = parseCidr(subnet.cidr);
  return [subnet.gatewayIp, ...held.filter((ip) => cidrContains(cidr, ip))];
}

/**
 * A free address of `subnet`: `requested` when given and free, else the lowest free one.
 * `alsoTaken` holds addresses picked earlier in the same call.
 * @throws BerthError VALIDATION (requested outside the pools), CONFLICT (requested taken),
 *   PROVIDER_QUOTA (subnet exhausted).
 */
export function takeAddress(
  state: MemoryState,
  subnet: Subnet,
  requested: string | undefined,
  alsoTaken: readonly string[] = [],
  field = 'fixedIp',
): string {
  const inUse = [...addressesInUse(state, subnet), ...alsoTaken];
  if (requested !== undefined) {
    parseIpv4(requested, field);
    if (!poolsContain(subnet.allocationPools, requested)) {
      throw providerErrors.invalid(
        field,
        `${requested} is outside the allocation pools of ${subnet.cidr}`,
      );
    }
    if (inUse.includes(requested)) throw providerErrors.conflict(`${requested} is already in use`);
    return requested;
  }
  const free = allocateAddress(subnet.allocationPools, inUse);
  if (free === undefined) {
    throw providerErrors.quota(
      'addresses',
      `subnet ${subnet.name} (${subnet.cidr}) has no free address`,
    );
  }
  return free;
}

/** A port an address can be NATed to. */
export interface ResolvedPort {
  portId: string;
  networkId: string;
  subnetId: string;
  fixedIp: string;
  owner: { kind: 'Server' | 'LoadBalancer'; id: string };
}

export function findPort(state: MemoryState, portId: string): ResolvedPort | undefined {
  for (const s of lookup(state.servers, 'port', portId)) {
    const p = s.ports.find((port) => port.id === portId);
    if (p)
      return {
        portId,
        networkId: p.networkId,
        subnetId: p.subnetId,
        fixedIp: p.fixedIp,
        owner: { kind: 'Server', id: s.id },
      };
  }
  const [lb] = where(state.loadBalancers, 'vipPortId', portId);
  if (lb) {
    return {
      portId,
      networkId: lb.vipNetworkId,
      subnetId: lb.vipSubnetId,
      fixedIp: lb.vipAddress,
      owner: { kind: 'LoadBalancer', id: lb.id },
    };
  }
  return undefined;
}

/** What still holds an address on `subnetId` (a reason for CONFLICT), or undefined. */
export function subnetUser(state: MemoryState, subnetId: string): string | undefined {
  const server = Object.values(state.servers).find((s) =>
    s.ports.some((p) => p.subnetId === subnetId),
  );
  if (server) return `server ${server.name}`;
  const lb = Object.values(state.loadBalancers).find((l) => l.vipSubnetId === subnetId);
  if (lb) return `load balancer ${lb.name}`;
  const router = lookup(state.routers, 'subnet', subnetId).find((r) =>
    r.interfaces.some((i) => i.subnetId === subnetId),
  );
  if (router) return `router ${router.name}`;
  return undefined;
}
