import { cidrsOverlap, parseIpv4 } from '@berth/net';
import {
  defaultAllocationPools,
  defaultGateway,
  hostRange,
  poolsContain,
  providerErrors,
  type CreateNetworkInput,
  type CreateSubnetInput,
  type FindInput,
  type IdInput,
  type ListNetworksInput,
  type ListSubnetsInput,
  type Network,
  type NetworkService,
  type Subnet,
} from '@berth/provider-api';
import { subnetUser } from './addresses.js';
import {
  existingFor,
  mustGet,
  newObject,
  snapshot,
  tagged,
  type MemoryContext,
} from './context.js';
import { ObjectReads, serviceReads } from './reads.js';
import type { NetworkRecord } from './state.js';
import { where } from './indexed-table.js';

export class MemoryNetworks implements NetworkService {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: serviceReads('networks'),
      kind: 'Network',
      table: (state) => state.networks,
      view: (n) => this.view(n),
    });
  }

  create(input: CreateNetworkInput, signal: AbortSignal): Promise<Network> {
    return this.ctx.run('networks.create', input, signal, () => {
      const { networks } = this.ctx.state;
      const existing = existingFor(networks, input);
      if (existing) return this.view(existing);
      const mtu = input.mtu ?? 1500;
      if (!Number.isInteger(mtu) || mtu < 68 || mtu > 9000) {
        throw providerErrors.invalid('mtu', 'mtu is an integer from 68 to 9000');
      }
      this.ctx.checkQuota('networks', Object.keys(networks).length, 1);
      const record: NetworkRecord = { ...newObject(this.ctx, 'net', input), external: false, mtu };
      networks[record.id] = record;
      return this.view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Network> {
    return this.reads.get(input, signal);
  }

  find(input: FindInput, signal: AbortSignal): Promise<Network | undefined> {
    return this.reads.find(input, signal);
  }

  list(input: ListNetworksInput, signal: AbortSignal): Promise<Network[]> {
    return this.reads.list(
      input,
      signal,
      (n) => input.external === undefined || n.external === input.external,
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('networks.delete', input, signal, () => {
      const { state } = this.ctx;
      const network = state.networks[input.id];
      if (!network) return;
      if (network.external)
        throw providerErrors.invalidState('external networks belong to the operator');
      const subnets = where(state.subnets, 'networkId', network.id);
      for (const subnet of subnets) assertSubnetFree(this.ctx, subnet);
      for (const subnet of subnets) delete state.subnets[subnet.id];
      delete state.networks[network.id];
    });
  }

  createSubnet(input: CreateSubnetInput, signal: AbortSignal): Promise<Subnet> {
    return this.ctx.run('networks.createSubnet', input, signal, () => {
      const { state } = this.ctx;
      const network = mustGet(state.networks, 'Network', input.networkId);
      const existing = existingFor(state.subnets, input, (s) => s.networkId === network.id);
      if (existing) return snapshot(existing);
      if (network.external)
        throw providerErrors.invalid(
          'networkId',
          'external networks are configured by the operator',
        );
      const subnet = buildSubnet(this.ctx, input);
      const overlapping = Object.values(state.subnets).find(
        (s) => s.networkId === network.id && cidrsOverlap(s.cidr, subnet.cidr),
      );
      if (overlapping) {
        throw providerErrors.invalid(
          'cidr',
          `${subnet.cidr} overlaps subnet ${overlapping.name} (${overlapping.cidr})`,
        );
      }
      state.subnets[subnet.id] = subnet;
      return snapshot(subnet);
    });
  }

  getSubnet(input: IdInput, signal: AbortSignal): Promise<Subnet> {
    return this.ctx.run('networks.getSubnet', input, signal, () =>
      snapshot(mustGet(this.ctx.state.subnets, 'Subnet', input.id)),
    );
  }

  listSubnets(input: ListSubnetsInput, signal: AbortSignal): Promise<Subnet[]> {
    return this.ctx.run('networks.listSubnets', input, signal, () =>
      tagged(this.ctx.state.subnets, input.tags)
        .filter((s) => input.networkId === undefined || s.networkId === input.networkId)
        .map(snapshot),
    );
  }

  deleteSubnet(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('networks.deleteSubnet', input, signal, () => {
      const subnet = this.ctx.state.subnets[input.id];
      if (!subnet) return;
      assertSubnetFree(this.ctx, subnet);
      delete this.ctx.state.subnets[subnet.id];
    });
  }

  private view(record: NetworkRecord): Network {
    const subnetIds = where(this.ctx.state.subnets, 'networkId', record.id).map((s) => s.id);
    return snapshot({ ...record, status: 'ACTIVE', subnetIds });
  }
}

/** A validated subnet with Neutron's defaults filled in. */
export function buildSubnet(ctx: MemoryContext, input: CreateSubnetInput): Subnet {
  const hosts = hostRange(input.cidr); // validates the CIDR and that it has room for hosts
  const gatewayIp = input.gatewayIp ?? defaultGateway(input.cidr);
  parseIpv4(gatewayIp, 'gatewayIp');
  if (!poolsContain([hosts], gatewayIp)) {
    throw providerErrors.invalid(
      'gatewayIp',
      `${gatewayIp} is not a host address of ${input.cidr}`,
    );
  }
  for (const [i, ns] of (input.dnsNameservers ?? []).entries())
    parseIpv4(ns, `dnsNameservers[${i}]`);
  return {
    ...newObject(ctx, 'subnet', input),
    networkId: input.networkId,
    cidr: input.cidr,
    gatewayIp,
    allocationPools: defaultAllocationPools(input.cidr, gatewayIp),
    dnsNameservers: [...(input.dnsNameservers ?? [])],
  };
}

function assertSubnetFree(ctx: MemoryContext, subnet: Subnet): void {
  const user = subnetUser(ctx.state, subnet.id);
  if (user) throw providerErrors.conflict(`subnet ${subnet.name} is still used by ${user}`);
}
