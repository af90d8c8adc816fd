/**
 * Address management for subnets, as pure functions over an allocation table plus a thin
 * class that keeps the table in the inventory with compare-and-set. Never hands out the
 * network, gateway or broadcast address; allocation is idempotent per owner (asking again for
 * the same owner returns the same address), so a retried create does not leak addresses.
 */
import { broadcastOf, cidrContains, formatIpv4, parseCidr, parseIpv4 } from '@berth/net';
import { BerthError } from '@berth/errors';
import { updateRecord, type LocalInventory } from './inventory.js';

export interface AddressPool {
  start: string;
  end: string;
}

export interface SubnetAllocations {
  cidr: string;
  gatewayIp: string | undefined;
  /** Inclusive ranges to allocate from (Neutron's allocation pools); all hosts when absent. */
  pools?: AddressPool[];
  /** Address → owner (e.g. `server:<id>`, `router:<id>`, `lb-vip:<id>`). */
  allocations: Record<string, string>;
}

export function reservedAddresses(cidr: string, gatewayIp: string | undefined): Set<string> {
  const block = parseCidr(cidr);
  const reserved = new Set([formatIpv4(block.network), formatIpv4(broadcastOf(block))]);
  if (gatewayIp !== undefined) reserved.add(gatewayIp);
  return reserved;
}

/**
 * The address `owner` holds or gets. `requested` asks for a specific address (a fixed IP);
 * it must be inside the subnet, not reserved and not held by someone else.
 * Throws BERTH_ERR_PROVIDER_QUOTA when the subnet is full.
 */
export function allocate(table: SubnetAllocations, owner: string, requested?: string): string {
  const held = Object.entries(table.allocations).find(([, o]) => o === owner)?.[0];
  if (held !== undefined && (requested === undefined || requested === held)) return held;
  const reserved = reservedAddresses(table.cidr, table.gatewayIp);
  if (requested !== undefined) {
    checkRequested(table, requested, reserved);
    return requested;
  }
  for (const [first, last] of candidateRanges(table)) {
    for (let n = first; n <= last; n++) {
      const ip = formatIpv4(n);
      if (!reserved.has(ip) && table.allocations[ip] === undefined) return ip;
    }
  }
  throw new BerthError('BERTH_ERR_PROVIDER_QUOTA', `subnet ${table.cidr} has no free address`);
}

/** Numeric [first, last] ranges to search: the pools, or every host address. */
function candidateRanges(table: SubnetAllocations): Array<[number, number]> {
  const block = parseCidr(table.cidr);
  if (table.pools === undefined) return [[block.network + 1, broadcastOf(block) - 1]];
  return table.pools.map((p) => [parseIpv4(p.start), parseIpv4(p.end)]);
}

function inRanges(table: SubnetAllocations, ip: string): boolean {
  const value = parseIpv4(ip);
  return candidateRanges(table).some(([first, last]) => value >= first && value <= last);
}

function checkRequested(table: SubnetAllocations, ip: string, reserved: Set<string>): void {
  if (!cidrContains(parseCidr(table.cidr), ip) || reserved.has(ip) || !inRanges(table, ip)) {
    throw new BerthError('BERTH_ERR_VALIDATION', `${ip} is not assignable in ${table.cidr}`, {
      field: 'fixedIp',
    });
  }
  if (table.allocations[ip] !== undefined) {
    throw new BerthError('BERTH_ERR_CONFLICT', `${ip} is already in use in ${table.cidr}`, {
      retryable: false,
    });
  }
}

/** Orders an allocation table's addresses numerically (for stable listings). */
export function sortedAddresses(table: SubnetAllocations): string[] {
  return Object.keys(table.allocations).sort((a, b) => parseIpv4(a) - parseIpv4(b));
}

const KIND = 'ipam';

/** Allocation tables in the inventory, one per subnet id. */
export class Ipam {
  constructor(private readonly inventory: LocalInventory) {}

  async ensureSubnet(
    subnetId: string,
    cidr: string,
    gatewayIp: string | undefined,
    pools?: AddressPool[],
  ): Promise<void> {
    parseCidr(cidr);
    const fresh: SubnetAllocations = { cidr, gatewayIp, allocations: {} };
    if (pools !== undefined) fresh.pools = pools;
    await updateRecord<SubnetAllocations>(this.inventory, KIND, subnetId, (c) => c ?? fresh);
  }

  /** Owner of `ip` in the subnet, if allocated. */
  async ownerOf(subnetId: string, ip: string): Promise<string | undefined> {
    return (await this.table(subnetId))?.allocations[ip];
  }

  async allocate(subnetId: string, owner: string, requested?: string): Promise<string> {
    let address = '';
    await updateRecord<SubnetAllocations>(this.inventory, KIND, subnetId, (current) => {
      if (current === undefined) throw missingSubnet(subnetId);
      for (const [ip, o] of Object.entries(current.allocations)) {
        if (o === owner && requested !== undefined && ip !== requested) {
          delete current.allocations[ip];
        }
      }
      address = allocate(current, owner, requested);
      current.allocations[address] = owner;
      return current;
    });
    return address;
  }

  /** Releases every address `owner` holds in the subnet; absent subnets are fine. */
  async release(subnetId: string, owner: string): Promise<void> {
    await updateRecord<SubnetAllocations>(this.inventory, KIND, subnetId, (current) => {
      if (current === undefined) return undefined;
      for (const [ip, o] of Object.entries(current.allocations)) {
        if (o === owner) delete current.allocations[ip];
      }
      return current;
    });
  }

  async table(subnetId: string): Promise<SubnetAllocations | undefined> {
    return (await this.inventory.get<SubnetAllocations>(KIND, subnetId))?.value;
  }

  /** Deletes the table. Throws BERTH_ERR_CONFLICT while addresses are still allocated. */
  async removeSubnet(subnetId: string): Promise<void> {
    await updateRecord<SubnetAllocations>(this.inventory, KIND, subnetId, (current) => {
      if (current !== undefined && Object.keys(current.allocations).length > 0) {
        throw new BerthError(
          'BERTH_ERR_CONFLICT',
          `subnet ${subnetId} still has ${Object.keys(current.allocations).length} address(es) in use`,
          { retryable: false },
        );
      }
      return undefined;
    });
  }
}

function missingSubnet(subnetId: string): BerthError {
  return new BerthError('BERTH_ERR_NOT_FOUND', `subnet ${subnetId} has no allocation table`);
}
