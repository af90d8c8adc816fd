/**
 * Ports: an address on a subnet, held by a server, a router leg, a load balancer VIP or an
 * amphora. Addresses come from the subnet's IPAM under the owner `port:<id>`, so a retried
 * allocation for the same port returns the same address.
 */
import { providerErrors, type Subnet } from '@berth/provider-api';
import { newId, newMac, type ProviderContext } from './context.js';
import type { PortRecord } from './records.js';
import { NONE } from './records.js';

export interface PortRequest {
  networkId: string;
  subnetId?: string;
  fixedIp?: string;
}

export function ipamOwner(portId: string): string {
  return `port:${portId}`;
}

/** The subnet a port request lands on: the given one, or the network's first. */
export async function resolveSubnet(ctx: ProviderContext, req: PortRequest): Promise<Subnet> {
  const network = await ctx.repos.networks.require(req.networkId);
  const subnetId = req.subnetId ?? network.obj.subnetIds[0];
  if (subnetId === undefined) {
    throw providerErrors.invalid('ports.networkId', `network ${req.networkId} has no subnet`);
  }
  const subnet = (await ctx.repos.subnets.require(subnetId)).obj;
  if (subnet.networkId !== req.networkId) {
    throw providerErrors.invalid('ports.subnetId', `subnet ${subnetId} is not on ${req.networkId}`);
  }
  return subnet;
}

/**
 * Allocates an address and records the port. Throws BERTH_ERR_PROVIDER_QUOTA (subnet full),
 * BERTH_ERR_CONFLICT (requested address taken), BERTH_ERR_VALIDATION (address not assignable).
 */
export async function createPort(
  ctx: ProviderContext,
  req: PortRequest,
  owner: PortRecord['owner'],
): Promise<PortRecord> {
  const subnet = await resolveSubnet(ctx, req);
  const id = newId();
  const fixedIp = await ctx.ipam.allocate(subnet.id, ipamOwner(id), req.fixedIp);
  const port: PortRecord = {
    id,
    networkId: subnet.networkId,
    subnetId: subnet.id,
    fixedIp,
    macAddress: newMac(),
    owner,
  };
  await ctx.repos.ports.put(port, NONE);
  return port;
}

/** Records a port at an address IPAM does not hand out (a router leg at the gateway). */
export async function createFixedPort(
  ctx: ProviderContext,
  subnet: Subnet,
  fixedIp: string,
  owner: PortRecord['owner'],
): Promise<PortRecord> {
  const port: PortRecord = {
    id: newId(),
    networkId: subnet.networkId,
    subnetId: subnet.id,
    fixedIp,
    macAddress: newMac(),
    owner,
  };
  await ctx.repos.ports.put(port, NONE);
  return port;
}

/** Frees the address and forgets the port; missing ports are fine. */
export async function deletePort(ctx: ProviderContext, portId: string): Promise<void> {
  const entry = await ctx.repos.ports.get(portId);
  if (entry === undefined) return;
  await ctx.ipam.release(entry.obj.subnetId, ipamOwner(portId));
  await ctx.repos.ports.delete(portId);
}

export async function portsWhere(
  ctx: ProviderContext,
  match: (port: PortRecord) => boolean,
): Promise<PortRecord[]> {
  return (await ctx.repos.ports.all()).map((e) => e.obj).filter(match);
}
