/**
 * `ClusterAddonsApi` for clusters Berth bootstrapped: connects as the cluster's admin through
 * the address clients use and hands out a KubeAddonsClient; addons' images come from the
 * platform registry.
 */
import type { Cluster } from '@berth/api-types';
import type {
  AddonObject,
  ClusterAddonsApi,
  ClusterAddonsConnection,
} from '@berth/controller-ports';
import type { ClusterConnector } from '../services/kube-cluster-services.js';
import { KubeAddonsClient } from './kube-addons-client.js';

export class KubeClusterAddons implements ClusterAddonsApi {
  constructor(
    private readonly connector: ClusterConnector,
    private readonly addonImages: () => Readonly<Record<string, string | undefined>>,
    private readonly crds: (
      signal: AbortSignal,
    ) => Promise<readonly AddonObject[]> = async () => [],
  ) {}

  async connect(
    cluster: Cluster,
    vipAddress: string,
    signal: AbortSignal,
  ): Promise<ClusterAddonsConnection> {
    const found = await this.connector.connect(cluster, vipAddress, signal);
    if ('unreachable' in found) return { unreachable: found.unreachable };
    return { client: new KubeAddonsClient(found.api) };
  }

  images(): Readonly<Record<string, string | undefined>> {
    return this.addonImages();
  }

  async customResourceDefinitions(signal: AbortSignal): Promise<readonly AddonObject[]> {
    return this.crds(signal);
  }
}
