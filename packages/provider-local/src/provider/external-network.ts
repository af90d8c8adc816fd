/**
 * The external network: made by the provider from its configuration (Berth never creates one
 * through the API), recorded like any network so routers and floating IPs can name it. The host
 * holds the subnet's first address on the external bridge, so IPAM hands out from `.2` on.
 */
import {
  defaultGateway,
  hostRange,
  providerErrors,
  type Network,
  type Subnet,
} from '@berth/provider-api';
import type { ProviderContext } from './context.js';
import { NONE } from './records.js';

export function externalIds(prefix: string): { networkId: string; subnetId: string } {
  return { networkId: `${prefix}external`, subnetId: `${prefix}external-subnet` };
}

/** Records the external network and its subnet if absent (idempotent, run at provider start). */
export async function ensureExternalRecords(ctx: ProviderContext): Promise<void> {
  const { networkId, subnetId } = ctx.external;
  const cidr = ctx.topology.config.externalCidr;
  const gatewayIp = defaultGateway(cidr);
  if ((await ctx.repos.subnets.get(subnetId)) === undefined) {
    const pools = [{ start: ipAfter(gatewayIp), end: hostRange(cidr).end }];
    const subnet: Subnet = {
      id: subnetId,
      name: 'external',
      tags: {},
      createdAt: ctx.now(),
      networkId,
      cidr,
      gatewayIp,
      allocationPools: pools,
      dnsNameservers: [],
    };
    await ctx.ipam.ensureSubnet(subnetId, cidr, gatewayIp, pools);
    await ctx.repos.subnets.put(subnet, NONE);
  }
  if ((await ctx.repos.networks.get(networkId)) === undefined) {
    const network: Network = {
      id: networkId,
      name: 'external',
      tags: {},
      createdAt: ctx.now(),
      external: true,
      status: 'ACTIVE',
      mtu: 1500,
      subnetIds: [subnetId],
    };
    await ctx.repos.networks.put(network, NONE);
  }
}

function ipAfter(ip: string): string {
  const parts = ip.split('.').map(Number);
  parts[3] = (parts[3] ?? 0) + 1;
  return parts.join('.');
}

/** @throws BERTH_ERR_VALIDATION when `networkId` is not an external network; NOT_FOUND if absent. */
export async function requireExternalNetwork(
  ctx: ProviderContext,
  networkId: string,
  field: string,
): Promise<Network> {
  const network = (await ctx.repos.networks.require(networkId)).obj;
  if (!network.external) {
    throw providerErrors.invalid(field, `network ${networkId} is not external`);
  }
  return network;
}
