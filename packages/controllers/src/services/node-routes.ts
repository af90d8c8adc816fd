/**
 * The route controller part of Berth's cloud controller (the OpenStack cloud controller's route
 * controller): every node's pod CIDRs are routed to the node's address in the cluster's router,
 * so pods on different nodes reach each other through the tenant network without an overlay.
 * Berth owns the router's routes: the set is replaced as a whole, so a deleted node's route goes
 * with it. A route never points outside the cluster's subnet nor covers anything outside the
 * cluster's pod CIDR.
 */
import type { Cluster } from '@berth/api-types';
import type { ClusterNode } from '@berth/controller-ports';
import { cidrContains, formatIpv4, hasHostBits, readCidr } from '@berth/net';
import type { InfraProvider, RouterRoute } from '@berth/provider-api';
import { clusterTags, names } from '../naming.js';

/** The routes the nodes need, sorted by destination (the provider's canonical order). */
export function desiredNodeRoutes(cluster: Cluster, nodes: ClusterNode[]): RouterRoute[] {
  const { subnetCidr, podsCidr } = cluster.spec.network;
  const routes = new Map<string, string>();
  for (const node of nodes) {
    const nexthop = node.internalIp;
    if (nexthop === undefined || !cidrContains(subnetCidr, nexthop)) continue;
    for (const destination of node.podCidrs) {
      if (!insidePods(podsCidr, destination)) continue;
      if (!routes.has(destination)) routes.set(destination, nexthop);
    }
  }
  return [...routes]
    .map(([destination, nexthop]) => ({ destination, nexthop }))
    .sort((a, b) => a.destination.localeCompare(b.destination));
}

function insidePods(podsCidr: string, destination: string): boolean {
  const pods = readCidr(podsCidr);
  const cidr = readCidr(destination);
  return (
    pods !== undefined &&
    cidr !== undefined &&
    !hasHostBits(cidr) &&
    cidr.prefix >= pods.prefix &&
    cidrContains(pods, formatIpv4(cidr.network))
  );
}

/**
 * Makes the cluster router's routes the nodes' pod CIDRs. Returns what changed (undefined when
 * nothing did, or the router does not exist yet).
 */
export async function syncNodeRoutes(
  provider: InfraProvider,
  cluster: Cluster,
  nodes: ClusterNode[],
  signal: AbortSignal,
): Promise<{ routes: RouterRoute[] } | undefined> {
  const router = await provider.routers.find(
    { name: names.router(cluster), tags: clusterTags(cluster) },
    signal,
  );
  if (router === undefined) return undefined;
  const desired = desiredNodeRoutes(cluster, nodes);
  if (sameRoutes(router.routes, desired)) return undefined;
  await provider.routers.setRoutes({ id: router.id, routes: desired }, signal);
  return { routes: desired };
}

function sameRoutes(a: RouterRoute[], b: RouterRoute[]): boolean {
  return (
    a.length === b.length &&
    a.every((r, i) => r.destination === b[i]?.destination && r.nexthop === b[i]?.nexthop)
  );
}
