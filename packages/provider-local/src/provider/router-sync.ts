/**
 * Makes the host match the router records: a router namespace per router that has a gateway or
 * an interface, with its NAT (floating IPs included), and the external bridge + guard while any
 * router has a gateway. Called after every change that affects a router.
 */
import type { ProviderContext } from './context.js';
import type { RouterLeg } from '../topology/topology.js';

export async function syncRouter(
  ctx: ProviderContext,
  routerId: string,
  signal?: AbortSignal,
): Promise<void> {
  const entry = await ctx.repos.routers.get(routerId);
  if (
    entry === undefined ||
    (entry.obj.externalGateway === null && entry.obj.interfaces.length === 0)
  ) {
    await ctx.topology.removeRouter(routerId, signal);
    return;
  }
  const router = entry.obj;
  const legs: RouterLeg[] = [];
  for (const leg of router.interfaces) {
    const subnet = (await ctx.repos.subnets.require(leg.subnetId)).obj;
    legs.push({
      subnetId: subnet.id,
      networkId: subnet.networkId,
      cidr: subnet.cidr,
      gatewayIp: leg.ip,
    });
  }
  const floatingIps = (await ctx.repos.floatingIps.all())
    .map((e) => e.obj)
    .filter((f) => f.routerId === routerId && f.fixedIp !== null)
    .map((f) => ({ floatingIp: f.address, fixedIp: f.fixedIp as string }));
  const gateway = router.externalGateway;
  await ctx.topology.ensureRouter(
    {
      routerId,
      ...(gateway === null ? {} : { externalIp: gateway.ip, enableSnat: gateway.enableSnat }),
      legs,
      floatingIps: gateway === null ? [] : floatingIps,
      routes: router.routes ?? [],
    },
    signal,
  );
}

/** The external bridge and guard exist exactly while some router has a gateway. */
export async function syncExternal(ctx: ProviderContext, signal?: AbortSignal): Promise<void> {
  const routers = await ctx.repos.routers.all();
  if (routers.some((r) => r.obj.externalGateway !== null)) {
    await ctx.topology.ensureExternal(signal);
  } else {
    await ctx.topology.removeExternal(signal);
  }
}
