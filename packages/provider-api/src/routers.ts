/**
 * Routers (Neutron's model): a gateway leg on an external network doing SNAT for egress, and
 * interfaces on tenant subnets. Floating IPs reach a port only through a router that has both a
 * gateway on the floating IP's network and an interface on the port's subnet.
 */
import type { CreateInput, FindInput, IdInput, ListInput, ProviderObject } from './common.js';

export type RouterStatus = 'ACTIVE' | 'BUILD' | 'DOWN' | 'ERROR';

export interface RouterGateway {
  /** An external network. */
  networkId: string;
  /** The router's address on the external network, from its IPAM. */
  ip: string;
  /** Source-NAT tenant egress to the gateway address. */
  enableSnat: boolean;
}

export interface RouterInterface {
  subnetId: string;
  /** Always the subnet's gateway address. */
  ip: string;
  portId: string;
}

export interface Router extends ProviderObject {
  status: RouterStatus;
  externalGateway: RouterGateway | null;
  /** In the order they were added. */
  interfaces: RouterInterface[];
}

export interface RouterGatewayInput {
  networkId: string;
  /** Default true. */
  enableSnat?: boolean;
}

export interface CreateRouterInput extends CreateInput {
  externalGateway?: RouterGatewayInput;
}

export interface SetRouterGatewayInput extends RouterGatewayInput {
  id: string;
}

export interface RouterInterfaceInput {
  /** The router. */
  id: string;
  subnetId: string;
}

export interface RouterService {
  create(input: CreateRouterInput, signal: AbortSignal): Promise<Router>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  get(input: IdInput, signal: AbortSignal): Promise<Router>;
  find(input: FindInput, signal: AbortSignal): Promise<Router | undefined>;
  list(input: ListInput, signal: AbortSignal): Promise<Router[]>;
  /** `BERTH_ERR_CONFLICT` while the router still has interfaces (remove them first). */
  delete(input: IdInput, signal: AbortSignal): Promise<void>;
  /**
   * Sets or replaces the gateway; repeating it with the same network is a no-op that keeps the
   * gateway address. `BERTH_ERR_VALIDATION` when the network is not external.
   */
  setGateway(input: SetRouterGatewayInput, signal: AbortSignal): Promise<Router>;
  /** Idempotent. `BERTH_ERR_CONFLICT` while floating IPs are routed through the gateway. */
  clearGateway(input: IdInput, signal: AbortSignal): Promise<Router>;
  /**
   * Plugs the router into a subnet at the subnet's gateway address. Idempotent for the same
   * router; `BERTH_ERR_CONFLICT` when another router already owns that gateway address.
   */
  addInterface(input: RouterInterfaceInput, signal: AbortSignal): Promise<Router>;
  /**
   * Idempotent. `BERTH_ERR_CONFLICT` while floating IPs on that subnet's ports route through
   * this router.
   */
  removeInterface(input: RouterInterfaceInput, signal: AbortSignal): Promise<Router>;
}
