/**
 * Deletes every object carrying `tags`, dependents first, the way a cluster controller tears a
 * cluster down. Used after every scenario, so it also exercises list-by-tags and delete.
 */
import type { Tags } from '../common.js';
import type { InfraProvider } from '../infra-provider.js';

export async function deleteEverythingTagged(
  p: InfraProvider,
  tags: Tags,
  signal: AbortSignal,
): Promise<void> {
  for (const fip of await p.floatingIps.list({ tags }, signal)) {
    await p.floatingIps.delete({ id: fip.id }, signal);
  }
  for (const lb of await p.loadBalancers.list({ tags }, signal)) {
    await p.loadBalancers.delete({ id: lb.id }, signal);
  }
  for (const server of await p.servers.list({ tags }, signal)) {
    await p.servers.delete({ id: server.id }, signal);
  }
  for (const volume of await p.volumes.list({ tags }, signal)) {
    await p.volumes.delete({ id: volume.id }, signal);
  }
  for (const group of await p.serverGroups.list({ tags }, signal)) {
    await p.serverGroups.delete({ id: group.id }, signal);
  }
  await deleteRouters(p, tags, signal);
  for (const group of await p.securityGroups.list({ tags }, signal)) {
    await p.securityGroups.delete({ id: group.id }, signal);
  }
  for (const network of await p.networks.list({ tags }, signal)) {
    await p.networks.delete({ id: network.id }, signal);
  }
}

async function deleteRouters(p: InfraProvider, tags: Tags, signal: AbortSignal): Promise<void> {
  for (const router of await p.routers.list({ tags }, signal)) {
    if (router.routes.length > 0) await p.routers.setRoutes({ id: router.id, routes: [] }, signal);
    for (const leg of router.interfaces) {
      await p.routers.removeInterface({ id: router.id, subnetId: leg.subnetId }, signal);
    }
    await p.routers.delete({ id: router.id }, signal);
  }
}

/** `Kind name (id)` of every object still carrying `tags`. */
export async function listEverythingTagged(
  p: InfraProvider,
  tags: Tags,
  signal: AbortSignal,
): Promise<string[]> {
  const kinds: [string, () => Promise<{ id: string; name: string }[]>][] = [
    ['FloatingIp', () => p.floatingIps.list({ tags }, signal)],
    ['LoadBalancer', () => p.loadBalancers.list({ tags }, signal)],
    ['Server', () => p.servers.list({ tags }, signal)],
    ['Volume', () => p.volumes.list({ tags }, signal)],
    ['ServerGroup', () => p.serverGroups.list({ tags }, signal)],
    ['Router', () => p.routers.list({ tags }, signal)],
    ['SecurityGroup', () => p.securityGroups.list({ tags }, signal)],
    ['Network', () => p.networks.list({ tags }, signal)],
    ['Subnet', () => p.networks.listSubnets({ tags }, signal)],
  ];
  const left: string[] = [];
  for (const [kind, list] of kinds) {
    for (const o of await list()) left.push(`${kind} ${o.name} (${o.id})`);
  }
  return left;
}
