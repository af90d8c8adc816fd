/**
 * Networks and subnets (Neutron's model). A subnet's IPAM lives in the provider: ports on
 * servers, load balancer VIPs, router legs and floating IPs get addresses from it, unique within
 * the subnet, never the network, broadcast or gateway address.
 */
import type { CreateInput, FindInput, IdInput, ListInput, ProviderObject } from './common.js';
import type { AddressRange } from './ipam.js';

export type NetworkStatus = 'ACTIVE' | 'BUILD' | 'DOWN' | 'ERROR';

export interface Network extends ProviderObject {
  /**
   * External networks are configured by the operator (the local provider's `berth-ext0`
   * bridge, an OpenStack provider network). Floating IPs, router gateways and public VIPs come
   * from them. Berth never creates or deletes one; it finds them with `list({ external: true })`.
   */
  external: boolean;
  status: NetworkStatus;
  mtu: number;
  /** Subnets of this network, oldest first. */
  subnetIds: string[];
}

export interface Subnet extends ProviderObject {
  networkId: string;
  /** IPv4 CIDR with host bits zero, e.g. `10.0.0.0/24`. */
  cidr: string;
  gatewayIp: string;
  /** Ranges IPAM hands out from; by default every host address except the gateway. */
  allocationPools: AddressRange[];
  dnsNameservers: string[];
}

export interface CreateNetworkInput extends CreateInput {
  /** Default 1500. */
  mtu?: number;
}

export interface ListNetworksInput extends ListInput {
  /** Only external (or only tenant) networks. */
  external?: boolean;
}

/** Idempotent by name + tags within `networkId`. */
export interface CreateSubnetInput extends CreateInput {
  networkId: string;
  /** Must not overlap another subnet of the same network (`BERTH_ERR_VALIDATION`). */
  cidr: string;
  /** Default: the first host address. */
  gatewayIp?: string;
  dnsNameservers?: string[];
}

export interface ListSubnetsInput extends ListInput {
  networkId?: string;
}

export interface NetworkService {
  create(input: CreateNetworkInput, signal: AbortSignal): Promise<Network>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  get(input: IdInput, signal: AbortSignal): Promise<Network>;
  find(input: FindInput, signal: AbortSignal): Promise<Network | undefined>;
  list(input: ListNetworksInput, signal: AbortSignal): Promise<Network[]>;
  /**
   * Deletes the network and its subnets. `BERTH_ERR_CONFLICT` while a server port, load
   * balancer VIP or router interface still uses it; `BERTH_ERR_INVALID_STATE` for an external
   * network.
   */
  delete(input: IdInput, signal: AbortSignal): Promise<void>;

  /** `BERTH_ERR_NOT_FOUND` when the network does not exist. */
  createSubnet(input: CreateSubnetInput, signal: AbortSignal): Promise<Subnet>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  getSubnet(input: IdInput, signal: AbortSignal): Promise<Subnet>;
  listSubnets(input: ListSubnetsInput, signal: AbortSignal): Promise<Subnet[]>;
  /** `BERTH_ERR_CONFLICT` while any port, VIP or router interface has an address in it. */
  deleteSubnet(input: IdInput, signal: AbortSignal): Promise<void>;
}
