/**
 * Phase 1: the cluster's private network — a tenant network with one subnet, and a router that
 * joins it to the external network (SNAT for egress, floating IPs for the API).
 */
import { BerthError } from '@berth/errors';
import { names, clusterTags } from '../naming.js';
import { ClusterConditions, condition, type ClusterPass } from './context.js';

export async function reconcileNetwork(pass: ClusterPass): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  const tags = clusterTags(cluster);
  const external = (await provider.networks.list({ external: true }, signal))[0];
  if (external === undefined) {
    throw new BerthError('BERTH_ERR_PROVIDER', 'the provider has no external network', {
      retryable: true,
    });
  }
  pass.externalNetworkId = external.id;
  const network = await provider.networks.create({ name: names.network(cluster), tags }, signal);
  const subnet = await provider.networks.createSubnet(
    {
      name: names.subnet(cluster),
      tags,
      networkId: network.id,
      cidr: cluster.spec.network.subnetCidr,
    },
    signal,
  );
  let router = await provider.routers.create(
    {
      name: names.router(cluster),
      tags,
      externalGateway: { networkId: external.id, enableSnat: true },
    },
    signal,
  );
  if (router.externalGateway === null) {
    router = await provider.routers.setGateway(
      { id: router.id, networkId: external.id, enableSnat: true },
      signal,
    );
  }
  if (!router.interfaces.some((i) => i.subnetId === subnet.id)) {
    await provider.routers.addInterface({ id: router.id, subnetId: subnet.id }, signal);
  }
  pass.network = network;
  pass.subnet = subnet;
  condition(
    pass,
    ClusterConditions.network,
    'True',
    'NetworkCreated',
    `subnet ${subnet.cidr} routed to ${external.name}`,
  );
}

/** Removes router, subnet and network; safe to repeat. */
export async function deleteNetwork(pass: ClusterPass): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  const tags = clusterTags(cluster);
  const router = await provider.routers.find({ name: names.router(cluster), tags }, signal);
  const network = await provider.networks.find({ name: names.network(cluster), tags }, signal);
  if (router !== undefined) {
    // Node routes go first: a subnet a route's next hop is on cannot be unplugged.
    if (router.routes.length > 0)
      await provider.routers.setRoutes({ id: router.id, routes: [] }, signal);
    for (const leg of router.interfaces) {
      await provider.routers.removeInterface({ id: router.id, subnetId: leg.subnetId }, signal);
    }
    await provider.routers.delete({ id: router.id }, signal);
  }
  if (network !== undefined) await provider.networks.delete({ id: network.id }, signal);
}
