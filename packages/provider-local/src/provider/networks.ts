/** Networks and subnets (Neutron's model) over the fabric namespace's bridges and IPAM. */
import { cidrContains, cidrsOverlap, parseCidr, parseIpv4 } from '@berth/net';
import {
  defaultAllocationPools,
  defaultGateway,
  providerErrors,
  validateNameAndTags,
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
import { mutate, newId, read, type ProviderContext } from './context.js';
import { portsWhere } from './ports.js';
import { NONE } from './records.js';
import { copy, findByName, findSame, withTags } from './repo.js';

export class LocalNetworks implements NetworkService {
  constructor(private readonly ctx: ProviderContext) {}

  create(input: CreateNetworkInput, signal: AbortSignal): Promise<Network> {
    return mutate(this.ctx, signal, async () => {
      validateNameAndTags(input.name, input.tags);
      const existing = findSame(await this.networks(false), input);
      if (existing !== undefined) return copy(existing.obj);
      const network: Network = {
        id: newId(),
        name: input.name,
        tags: { ...input.tags },
        createdAt: this.ctx.now(),
        external: false,
        status: 'ACTIVE',
        mtu: input.mtu ?? 1500,
        subnetIds: [],
      };
      await this.ctx.repos.networks.put(network, NONE);
      return copy(network);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Network> {
    return read(signal, async () => copy((await this.ctx.repos.networks.require(input.id)).obj));
  }

  find(input: FindInput, signal: AbortSignal): Promise<Network | undefined> {
    return read(signal, async () =>
      copy(findByName(await this.ctx.repos.networks.all(), input.name, input.tags)),
    );
  }

  list(input: ListNetworksInput, signal: AbortSignal): Promise<Network[]> {
    return read(signal, async () =>
      withTags(await this.ctx.repos.networks.all(), input.tags)
        .map((e) => copy(e.obj))
        .filter((n) => input.external === undefined || n.external === input.external),
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      const entry = await this.ctx.repos.networks.get(input.id);
      if (entry === undefined) return;
      if (entry.obj.external) {
        throw providerErrors.invalidState(
          `network ${input.id} is external; Berth does not delete it`,
        );
      }
      const used = await portsWhere(this.ctx, (p) => p.networkId === input.id);
      if (used.length > 0) {
        throw providerErrors.conflict(`network ${input.id} still has ${used.length} port(s)`, {
          ports: used.map((p) => p.id),
        });
      }
      for (const subnetId of entry.obj.subnetIds) await this.dropSubnet(subnetId);
      await this.ctx.repos.networks.delete(input.id);
      await syncTenantGuard(this.ctx, signal);
      await this.ctx.topology.removeTenantNetwork(input.id, signal);
      await this.ctx.topology.removeFabricIfEmpty(signal);
    });
  }

  createSubnet(input: CreateSubnetInput, signal: AbortSignal): Promise<Subnet> {
    return mutate(this.ctx, signal, async () => {
      validateNameAndTags(input.name, input.tags);
      const network = await this.ctx.repos.networks.require(input.networkId);
      const siblings = (await this.ctx.repos.subnets.all()).filter(
        (s) => s.obj.networkId === input.networkId,
      );
      const existing = findSame(siblings, input);
      if (existing !== undefined) return copy(existing.obj);
      const subnet = buildSubnet(input, this.ctx.now());
      for (const other of siblings) {
        if (cidrsOverlap(other.obj.cidr, subnet.cidr)) {
          throw providerErrors.invalid(
            'cidr',
            `${subnet.cidr} overlaps ${other.obj.cidr} of this network`,
          );
        }
      }
      await this.ctx.ipam.ensureSubnet(
        subnet.id,
        subnet.cidr,
        subnet.gatewayIp,
        subnet.allocationPools,
      );
      await this.ctx.repos.subnets.put(subnet, NONE);
      await this.ctx.repos.networks.update(network.obj.id, (e) => e.obj.subnetIds.push(subnet.id));
      await syncTenantGuard(this.ctx, signal);
      return copy(subnet);
    });
  }

  getSubnet(input: IdInput, signal: AbortSignal): Promise<Subnet> {
    return read(signal, async () => copy((await this.ctx.repos.subnets.require(input.id)).obj));
  }

  listSubnets(input: ListSubnetsInput, signal: AbortSignal): Promise<Subnet[]> {
    return read(signal, async () =>
      withTags(await this.ctx.repos.subnets.all(), input.tags)
        .map((e) => copy(e.obj))
        .filter((s) => input.networkId === undefined || s.networkId === input.networkId),
    );
  }

  deleteSubnet(input: IdInput, signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      const entry = await this.ctx.repos.subnets.get(input.id);
      if (entry === undefined) return;
      await this.dropSubnet(input.id);
      await this.ctx.repos.networks.update(entry.obj.networkId, (e) => {
        e.obj.subnetIds = e.obj.subnetIds.filter((id) => id !== input.id);
      });
      await syncTenantGuard(this.ctx, signal);
    });
  }

  /** @throws BERTH_ERR_CONFLICT while a port holds an address in the subnet. */
  private async dropSubnet(subnetId: string): Promise<void> {
    const used = await portsWhere(this.ctx, (p) => p.subnetId === subnetId);
    if (used.length > 0) {
      throw providerErrors.conflict(`subnet ${subnetId} still has ${used.length} port(s)`, {
        ports: used.map((p) => p.id),
      });
    }
    await this.ctx.ipam.removeSubnet(subnetId);
    await this.ctx.repos.subnets.delete(subnetId);
  }

  private async networks(external: boolean) {
    return (await this.ctx.repos.networks.all()).filter((e) => e.obj.external === external);
  }
}

/** The subnet a create input describes, validated. @throws BERTH_ERR_VALIDATION */
export function buildSubnet(input: CreateSubnetInput, createdAt: string): Subnet {
  parseCidr(input.cidr, 'cidr');
  const gatewayIp = input.gatewayIp ?? defaultGateway(input.cidr);
  parseIpv4(gatewayIp, 'gatewayIp');
  if (!cidrContains(input.cidr, gatewayIp)) {
    throw providerErrors.invalid('gatewayIp', `${gatewayIp} is outside ${input.cidr}`);
  }
  return {
    id: newId(),
    name: input.name,
    tags: { ...input.tags },
    createdAt,
    networkId: input.networkId,
    cidr: input.cidr,
    gatewayIp,
    allocationPools: defaultAllocationPools(input.cidr, gatewayIp),
    dnsNameservers: [...(input.dnsNameservers ?? [])],
  };
}

/** Tells the host guard every tenant subnet, so the host never sends packets for them off-host. */
export async function syncTenantGuard(ctx: ProviderContext, signal?: AbortSignal): Promise<void> {
  const external = new Set(
    (await ctx.repos.networks.all()).filter((e) => e.obj.external).map((e) => e.obj.id),
  );
  const subnets = await ctx.repos.subnets.all();
  const tenant = subnets.filter((e) => !external.has(e.obj.networkId)).map((e) => e.obj.cidr);
  const routers = await ctx.repos.routers.all();
  await ctx.topology.syncGuard(tenant, routers.length > 0, signal);
}
