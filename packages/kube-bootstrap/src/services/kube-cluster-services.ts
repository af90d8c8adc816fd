/**
 * `ClusterServicesApi` for clusters Berth bootstrapped: connects as the cluster's admin through
 * the address clients use (see ClusterApi) and hands out a KubeServicesClient.
 */
import type { Cluster } from '@berth/api-types';
import type { ClusterServicesApi, ClusterServicesConnection } from '@berth/controller-ports';
import type { Connection } from '../cluster-api.js';
import { KubeServicesClient } from './kube-services-client.js';

/** What this needs of ClusterApi: an admin client for a cluster, or why there is none. */
export interface ClusterConnector {
  connect(cluster: Cluster, vipAddress: string, signal: AbortSignal): Promise<Connection>;
}

export class KubeClusterServices implements ClusterServicesApi {
  constructor(private readonly connector: ClusterConnector) {}

  async connect(
    cluster: Cluster,
    vipAddress: string,
    signal: AbortSignal,
  ): Promise<ClusterServicesConnection> {
    const found = await this.connector.connect(cluster, vipAddress, signal);
    if ('unreachable' in found) return { unreachable: found.unreachable };
    return { client: new KubeServicesClient(found.api) };
  }
}
