/** The operator-configured external network every memory provider starts with. */
import { defaultAllocationPools, defaultGateway, hostRange } from '@berth/provider-api';
import type { MemoryContext } from './context.js';

export interface ExternalNetworkConfig {
  /** Default `public`. */
  name?: string;
  /** Default `198.51.100.0/24` (TEST-NET-2; the memory provider routes nothing). */
  cidr?: string;
}

const OPERATOR_TAGS = { 'berth.dev/owner': 'operator' };

/** Creates the external network and its subnet unless the (restored) state already has them. */
export function ensureExternalNetwork(ctx: MemoryContext, config: ExternalNetworkConfig): void {
  const name = config.name ?? 'public';
  const cidr = config.cidr ?? '198.51.100.0/24';
  const { state } = ctx;
  if (Object.values(state.networks).some((n) => n.external && n.name === name)) return;
  hostRange(cidr);
  const createdAt = ctx.timestamp();
  const network = {
    id: ctx.newId('net'),
    name,
    tags: OPERATOR_TAGS,
    createdAt,
    external: true,
    mtu: 1500,
  };
  const gatewayIp = defaultGateway(cidr);
  state.networks[network.id] = network;
  const subnetId = ctx.newId('subnet');
  state.subnets[subnetId] = {
    id: subnetId,
    name: `${name}-subnet`,
    tags: OPERATOR_TAGS,
    createdAt,
    networkId: network.id,
    cidr,
    gatewayIp,
    allocationPools: defaultAllocationPools(cidr, gatewayIp),
    dnsNameservers: [],
  };
  ctx.persist();
}
