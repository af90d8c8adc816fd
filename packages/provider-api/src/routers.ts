/**
 * Routers (Neutron's model): a gateway leg on an external network doing SNAT for egress, and
 * interfaces on tenant subnets. Floating IPs reach a port only through a router that has both a
 * gateway on the floating IP's network and an interface on the port's subnet. Static routes
 * (Neutron's `routes` extension) send a CIDR to a next hop on an attached subnet: this is how a
 * cloud controller routes each node's pod CIDR to that node.
 */
import { cidrContains, parseCidr, parseIpv4 } from '@berth/net';
import type { CreateInput, FindInput, IdInput, ListInput, ProviderObject } from './common.js';
import { providerErrors } from './provider-errors.js';

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

export interface RouterRoute {
  /** An IPv4 CIDR. */
  destination: string;
  /** An address inside one of the router's interface subnets. */
  nexthop: string;
}

export interface Router extends ProviderObject {
  status: RouterStatus;
  externalGateway: RouterGateway | null;
  /** In the order they were added. */
  interfaces: RouterInterface[];
  /** Static routes, sorted by destination; tenant traffic to `destination` goes to `nexthop`. */
  routes: RouterRoute[];
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

export interface SetRouterRoutesInput {
  /** The router. */
  id: string;
  /** The whole set: it replaces the router's routes (Neutron's `PUT /routers/{id}` routes). */
  routes: RouterRoute[];
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
   * this router, or while a route's next hop is on that subnet.
   */
  removeInterface(input: RouterInterfaceInput, signal: AbortSignal): Promise<Router>;
  /**
   * Replaces the router's static routes (an empty list removes them all). `BERTH_ERR_VALIDATION`
   * naming `routes[i].destination|nexthop` when a destination is not a CIDR, appears twice, or a
   * next hop is not on one of the router's subnets.
   */
  setRoutes(input: SetRouterRoutesInput, signal: AbortSignal): Promise<Router>;
}

/**
 * Checks `routes` against the router's interface subnets (`cidrs`) and returns them in their
 * canonical order (by destination). Shared by every provider so they refuse the same input.
 */
export function validateRouterRoutes(routes: RouterRoute[], cidrs: string[]): RouterRoute[] {
  if (!Array.isArray(routes)) throw providerErrors.invalid('routes', 'must be a list');
  const seen = new Set<string>();
  routes.forEach((route, i) => {
    parseCidr(route.destination, `routes[${i}].destination`);
    parseIpv4(route.nexthop, `routes[${i}].nexthop`);
    if (seen.has(route.destination)) {
      throw providerErrors.invalid(
        `routes[${i}].destination`,
        `${route.destination} is routed twice`,
      );
    }
    seen.add(route.destination);
    if (!cidrs.some((cidr) => cidrContains(cidr, route.nexthop))) {
      throw providerErrors.invalid(
        `routes[${i}].nexthop`,
        `${route.nexthop} is not on any subnet of the router`,
      );
    }
  });
  return routes
    .map((r) => ({ destination: r.destination, nexthop: r.nexthop }))
    .sort((a, b) => a.destination.localeCompare(b.destination));
}
