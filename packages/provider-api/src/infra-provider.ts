/**
 * The infrastructure cloud Berth builds clusters on, as one aggregate of small services. The
 * local provider (namespaces, bridges, nftables, HAProxy on one host), the in-memory provider and
 * an OpenStack provider all implement it, and all pass `runProviderConformance`. The written
 * contract is docs/contracts/provider.md.
 */
import type { CatalogService } from './catalog.js';
import type { FloatingIpService } from './floating-ips.js';
import type { LoadBalancerService } from './load-balancers.js';
import type { NetworkService } from './networks.js';
import type { RouterService } from './routers.js';
import type { SecurityGroupService } from './security-groups.js';
import type { ServerGroupService } from './server-groups.js';
import type { ServerService } from './servers.js';
import type { VolumeService } from './volumes.js';

export interface InfraProvider {
  networks: NetworkService;
  routers: RouterService;
  servers: ServerService;
  serverGroups: ServerGroupService;
  securityGroups: SecurityGroupService;
  loadBalancers: LoadBalancerService;
  volumes: VolumeService;
  floatingIps: FloatingIpService;
  catalog: CatalogService;
}

/** `service.method` names, e.g. `servers.create`, as used in call logs and fault injection. */
export type ProviderMethod = {
  [S in keyof InfraProvider]: `${S}.${Extract<keyof InfraProvider[S], string>}`;
}[keyof InfraProvider];
