/**
 * Floating IPs (Neutron's model): an address on an external network, 1:1-NATed to a fixed IP of
 * a port — a server port or a load balancer's `vipPortId`. The port's subnet must be reachable
 * through a router with a gateway on the floating IP's network and an interface on that subnet;
 * otherwise association fails with `BERTH_ERR_CONFLICT` (build the router first, then retry).
 *
 * Status: `ACTIVE` while associated, `DOWN` while not, `ERROR` when the provider failed.
 */
import type { CreateInput, FindInput, IdInput, ListInput, ProviderObject } from './common.js';

export type FloatingIpStatus = 'ACTIVE' | 'DOWN' | 'ERROR';

export interface FloatingIp extends ProviderObject {
  floatingNetworkId: string;
  address: string;
  portId: string | null;
  fixedIp: string | null;
  /** The router that carries its NAT while associated. */
  routerId: string | null;
  status: FloatingIpStatus;
}

export interface CreateFloatingIpInput extends CreateInput {
  /** An external network. */
  floatingNetworkId: string;
  /** Associate at once. */
  portId?: string;
  fixedIp?: string;
}

export interface ListFloatingIpsInput extends ListInput {
  portId?: string;
}

export interface AssociateFloatingIpInput {
  /** The floating IP. */
  id: string;
  portId: string;
  /** Default: the port's (first) fixed IP. */
  fixedIp?: string;
}

export interface FloatingIpService {
  /** `BERTH_ERR_PROVIDER_QUOTA` when the external network has no address left. */
  create(input: CreateFloatingIpInput, signal: AbortSignal): Promise<FloatingIp>;
  /** @throws BerthError `BERTH_ERR_NOT_FOUND` */
  get(input: IdInput, signal: AbortSignal): Promise<FloatingIp>;
  find(input: FindInput, signal: AbortSignal): Promise<FloatingIp | undefined>;
  list(input: ListFloatingIpsInput, signal: AbortSignal): Promise<FloatingIp[]>;
  /** Releases the address (disassociating first). */
  delete(input: IdInput, signal: AbortSignal): Promise<void>;
  /**
   * Points the floating IP at a port, moving it if it was elsewhere (as Neutron does).
   * `BERTH_ERR_NOT_FOUND` for an unknown port; `BERTH_ERR_CONFLICT` when no router connects,
   * or another floating IP already holds that fixed IP.
   */
  associate(input: AssociateFloatingIpInput, signal: AbortSignal): Promise<FloatingIp>;
  /** Idempotent. */
  disassociate(input: IdInput, signal: AbortSignal): Promise<FloatingIp>;
}
