/**
 * Removing Service load balancers, found by tags alone — so it works when the Service is gone,
 * when the cluster's API no longer answers (cluster teardown) and after a crash half-way. The
 * floating IP goes first: deleting a load balancer only disassociates it.
 */
import type { Cluster } from '@berth/api-types';
import type { InfraProvider, Tags } from '@berth/provider-api';
import { SERVICE_TAG, roleTags, serviceTags } from '../naming.js';

/** Deletes the load balancer and floating IP of one Service (by its uid). Safe to repeat. */
export async function deleteServiceLoadBalancer(
  provider: InfraProvider,
  cluster: Cluster,
  serviceUid: string,
  signal: AbortSignal,
): Promise<void> {
  await deleteTagged(
    provider,
    serviceTags(cluster, 'service-fip', serviceUid),
    serviceTags(cluster, 'service-lb', serviceUid),
    () => true,
    signal,
  );
}

/**
 * Deletes every Service load balancer and floating IP of the cluster whose Service uid is not in
 * `keep` (all of them when `keep` is absent); resolves with the uids it removed objects of.
 */
export async function deleteServiceLoadBalancers(
  provider: InfraProvider,
  cluster: Cluster,
  signal: AbortSignal,
  keep: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  return deleteTagged(
    provider,
    roleTags(cluster, 'service-fip'),
    roleTags(cluster, 'service-lb'),
    (uid) => !keep.has(uid),
    signal,
  );
}

async function deleteTagged(
  provider: InfraProvider,
  fipTags: Tags,
  lbTags: Tags,
  doomed: (serviceUid: string) => boolean,
  signal: AbortSignal,
): Promise<string[]> {
  const removed = new Set<string>();
  const uidOf = (tags: Tags) => tags[SERVICE_TAG] ?? '';
  for (const fip of await provider.floatingIps.list({ tags: fipTags }, signal)) {
    if (!doomed(uidOf(fip.tags))) continue;
    await provider.floatingIps.delete({ id: fip.id }, signal);
    removed.add(uidOf(fip.tags));
  }
  for (const lb of await provider.loadBalancers.list({ tags: lbTags }, signal)) {
    if (!doomed(uidOf(lb.tags))) continue;
    await provider.loadBalancers.delete({ id: lb.id }, signal);
    removed.add(uidOf(lb.tags));
  }
  return [...removed];
}
