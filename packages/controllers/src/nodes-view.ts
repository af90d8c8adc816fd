/**
 * The API's `GET …/nodes`: the cluster's servers joined with what the bootstrap knows of their
 * Kubernetes nodes.
 */
import type { Cluster, ClusterNode } from '@berth/api-types';
import { TagKeys, type InfraProvider } from '@berth/provider-api';
import { apiVipAddress } from './cluster/addresses.js';
import { clusterTags } from './naming.js';
import type { ClusterBootstrap } from '@berth/controller-ports';

export async function listClusterNodes(
  provider: InfraProvider,
  bootstrap: ClusterBootstrap,
  cluster: Cluster,
  signal: AbortSignal,
): Promise<ClusterNode[]> {
  const servers = (await provider.servers.list({ tags: clusterTags(cluster) }, signal)).filter(
    (s) => s.tags[TagKeys.role] === 'master' || s.tags[TagKeys.role] === 'worker',
  );
  const readiness = await bootstrap.nodeReadiness(
    { cluster, servers, vipAddress: apiVipAddress(cluster.spec.network.subnetCidr) },
    signal,
  );
  return servers
    .map((s): ClusterNode => {
      const node: ClusterNode = {
        name: s.name,
        role: s.tags[TagKeys.role] === 'master' ? 'master' : 'worker',
        serverId: s.id,
        serverStatus: s.status,
        flavor: s.flavor,
        zone: s.zone,
        hypervisor: s.hypervisor,
        addresses: s.ports.map((p) => p.fixedIp),
        createdAt: s.createdAt,
      };
      const group = s.metadata['berth.dev/node-group'];
      if (group !== undefined) node.nodeGroup = group;
      const state = readiness.get(s.name);
      if (state !== undefined) {
        node.kubernetes = {
          name: s.name,
          ready: state.ready ? 'True' : 'False',
          unschedulable: false,
          labels: {},
          conditions: [
            { type: 'Ready', status: state.ready ? 'True' : 'False', reason: state.reason },
          ],
        };
      }
      return node;
    })
    .sort((a, b) =>
      a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'master' ? -1 : 1,
    );
}
