/**
 * Deletion: everything the cluster owns goes, in reverse order of creation, then the finalizer
 * is cleared and the row removed. Every step is idempotent, so a crash half-way is repaired by
 * the next pass.
 */
import { roleTags } from '../naming.js';
import { deleteServiceLoadBalancers } from '../services/cleanup.js';
import { deleteApiLoadBalancer } from './api-load-balancer.js';
import type { ClusterPass } from './context.js';
import { deleteMasters } from './masters.js';
import { deleteNetwork } from './network.js';
import { deleteSecurityGroups } from './security-groups.js';

export async function teardownCluster(pass: ClusterPass): Promise<void> {
  const { provider, bootstrap } = pass.deps;
  const { cluster, signal } = pass;
  // Service load balancers are found by tags, so they go even when the cluster API is gone.
  await deleteServiceLoadBalancers(provider, cluster, signal);
  const workers = await provider.servers.list({ tags: roleTags(cluster, 'worker') }, signal);
  for (const server of workers) await provider.servers.delete({ id: server.id }, signal);
  for (const group of await provider.serverGroups.list(
    { tags: roleTags(cluster, 'worker') },
    signal,
  )) {
    await provider.serverGroups.delete({ id: group.id }, signal);
  }
  for (const volume of await provider.volumes.list({ tags: roleTags(cluster, 'worker') }, signal)) {
    await provider.volumes.delete({ id: volume.id }, signal);
  }
  // Persistent volumes (the CSI driver's), whatever their reclaim policy: the cluster is gone.
  for (const volume of await provider.volumes.list({ tags: roleTags(cluster, 'volume') }, signal)) {
    if (volume.attachment !== null)
      await provider.volumes.detach({ id: volume.id, force: true }, signal);
    await provider.volumes.delete({ id: volume.id }, signal);
  }
  await deleteMasters(pass);
  await deleteApiLoadBalancer(pass);
  await deleteSecurityGroups(pass);
  await deleteNetwork(pass);
  await bootstrap.forgetCluster(cluster, signal);
}
