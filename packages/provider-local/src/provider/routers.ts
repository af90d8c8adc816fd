/** Routers (Neutron's model) as router namespaces; see router-sync.ts for the host side. */
import {
  providerErrors,
  validateNameAndTags,
  type CreateRouterInput,
  type FindInput,
  type IdInput,
  type ListInput,
  type Router,
  type RouterGatewayInput,
  type RouterInterfaceInput,
  type RouterService,
  type SetRouterGatewayInput,
  type SetRouterRoutesInput,
  validateRouterRoutes,
} from '@berth/provider-api';
import { cidrContains } from '@berth/net';
import { mutate, newId, read, type ProviderContext } from './context.js';
import { requireExternalNetwork } from './external-network.js';
import { createFixedPort, deletePort, resolveSubnet } from './ports.js';
import { NONE } from './records.js';
import { copy, findByName, findSame, withTags } from './repo.js';
import { syncExternal, syncRouter } from './router-sync.js';

export class LocalRouters implements RouterService {
  constructor(private readonly ctx: ProviderContext) {}

  create(input: CreateRouterInput, signal: AbortSignal): Promise<Router> {
    return mutate(this.ctx, signal, async () => {
      validateNameAndTags(input.name, input.tags);
      const existing = findSame(await this.ctx.repos.routers.all(), input);
      if (existing !== undefined) return view(existing.obj);
      const router: Router = {
        id: newId(),
        name: input.name,
        tags: { ...input.tags },
        createdAt: this.ctx.now(),
        status: 'ACTIVE',
        externalGateway: null,
        interfaces: [],
        routes: [],
      };
      if (input.externalGateway !== undefined) {
        router.externalGateway = await this.allocateGateway(router.id, input.externalGateway);
      }
      await this.ctx.repos.routers.put(router, NONE);
      await this.apply(router.id, signal);
      return view(router);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Router> {
    return read(signal, async () => view((await this.ctx.repos.routers.require(input.id)).obj));
  }

  find(input: FindInput, signal: AbortSignal): Promise<Router | undefined> {
    return read(signal, async () =>
      view(findByName(await this.ctx.repos.routers.all(), input.name, input.tags)),
    );
  }

  list(input: ListInput, signal: AbortSignal): Promise<Router[]> {
    return read(signal, async () =>
      withTags(await this.ctx.repos.routers.all(), input.tags).map((e) => view(e.obj)),
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      const entry = await this.ctx.repos.routers.get(input.id);
      if (entry === undefined) return;
      if (entry.obj.interfaces.length > 0) {
        throw providerErrors.conflict(`router ${input.id} still has interfaces`);
      }
      await this.requireNoFloatingIps(input.id, () => true);
      await this.releaseGateway(input.id);
      await this.ctx.repos.routers.delete(input.id);
      await this.ctx.topology.removeRouter(input.id, signal);
      await syncExternal(this.ctx, signal);
    });
  }

  setGateway(input: SetRouterGatewayInput, signal: AbortSignal): Promise<Router> {
    return mutate(this.ctx, signal, async () => {
      const router = (await this.ctx.repos.routers.require(input.id)).obj;
      const current = router.externalGateway;
      if (current !== null && current.networkId === input.networkId) {
        current.enableSnat = input.enableSnat ?? true;
      } else {
        await requireExternalNetwork(this.ctx, input.networkId, 'networkId');
        if (current !== null) {
          await this.requireNoFloatingIps(router.id, () => true);
          await this.releaseGateway(router.id);
        }
        router.externalGateway = await this.allocateGateway(router.id, input);
      }
      await this.ctx.repos.routers.update(router.id, (e) => (e.obj = router));
      await this.apply(router.id, signal);
      return view(router);
    });
  }

  clearGateway(input: IdInput, signal: AbortSignal): Promise<Router> {
    return mutate(this.ctx, signal, async () => {
      await this.ctx.repos.routers.require(input.id);
      await this.requireNoFloatingIps(input.id, () => true);
      await this.releaseGateway(input.id);
      const entry = await this.ctx.repos.routers.update(
        input.id,
        (e) => (e.obj.externalGateway = null),
      );
      await this.apply(input.id, signal);
      return view(entry.obj);
    });
  }

  addInterface(input: RouterInterfaceInput, signal: AbortSignal): Promise<Router> {
    return mutate(this.ctx, signal, async () => {
      const router = (await this.ctx.repos.routers.require(input.id)).obj;
      if (router.interfaces.some((i) => i.subnetId === input.subnetId)) return view(router);
      const subnet = (await this.ctx.repos.subnets.require(input.subnetId)).obj;
      await resolveSubnet(this.ctx, { networkId: subnet.networkId, subnetId: subnet.id });
      const taken = (await this.ctx.repos.ports.all()).find(
        (p) => p.obj.subnetId === subnet.id && p.obj.fixedIp === subnet.gatewayIp,
      );
      if (taken !== undefined) {
        throw providerErrors.conflict(
          `gateway ${subnet.gatewayIp} of subnet ${subnet.id} is taken`,
        );
      }
      const port = await createFixedPort(this.ctx, subnet, subnet.gatewayIp, {
        kind: 'router',
        id: router.id,
      });
      const entry = await this.ctx.repos.routers.update(router.id, (e) =>
        e.obj.interfaces.push({ subnetId: subnet.id, ip: subnet.gatewayIp, portId: port.id }),
      );
      await this.apply(router.id, signal);
      return view(entry.obj);
    });
  }

  removeInterface(input: RouterInterfaceInput, signal: AbortSignal): Promise<Router> {
    return mutate(this.ctx, signal, async () => {
      const router = (await this.ctx.repos.routers.require(input.id)).obj;
      const leg = router.interfaces.find((i) => i.subnetId === input.subnetId);
      if (leg === undefined) return view(router);
      const portsOnSubnet = new Set(
        (await this.ctx.repos.ports.all())
          .filter((p) => p.obj.subnetId === input.subnetId)
          .map((p) => p.obj.id),
      );
      await this.requireNoFloatingIps(router.id, (portId) => portsOnSubnet.has(portId));
      const subnet = (await this.ctx.repos.subnets.get(input.subnetId))?.obj;
      const using = (router.routes ?? []).filter(
        (r) => subnet !== undefined && cidrContains(subnet.cidr, r.nexthop),
      );
      if (using.length > 0) {
        throw providerErrors.conflict(
          `routes to ${using.map((r) => r.destination).join(', ')} go through subnet ${input.subnetId}`,
        );
      }
      await deletePort(this.ctx, leg.portId);
      const entry = await this.ctx.repos.routers.update(router.id, (e) => {
        e.obj.interfaces = e.obj.interfaces.filter((i) => i.subnetId !== input.subnetId);
      });
      await this.apply(router.id, signal);
      return view(entry.obj);
    });
  }

  setRoutes(input: SetRouterRoutesInput, signal: AbortSignal): Promise<Router> {
    return mutate(this.ctx, signal, async () => {
      const router = (await this.ctx.repos.routers.require(input.id)).obj;
      const cidrs: string[] = [];
      for (const leg of router.interfaces) {
        cidrs.push((await this.ctx.repos.subnets.require(leg.subnetId)).obj.cidr);
      }
      const routes = validateRouterRoutes(input.routes, cidrs);
      const entry = await this.ctx.repos.routers.update(router.id, (e) => (e.obj.routes = routes));
      await this.apply(router.id, signal);
      return view(entry.obj);
    });
  }

  private async apply(routerId: string, signal: AbortSignal): Promise<void> {
    await syncExternal(this.ctx, signal);
    await syncRouter(this.ctx, routerId, signal);
  }

  private async allocateGateway(routerId: string, input: RouterGatewayInput) {
    const network = await requireExternalNetwork(
      this.ctx,
      input.networkId,
      'externalGateway.networkId',
    );
    const subnetId = network.subnetIds[0];
    if (subnetId === undefined)
      throw providerErrors.invalid('externalGateway.networkId', 'no subnet');
    const ip = await this.ctx.ipam.allocate(subnetId, gatewayOwner(routerId));
    return { networkId: network.id, ip, enableSnat: input.enableSnat ?? true };
  }

  private async releaseGateway(routerId: string): Promise<void> {
    const gateway = (await this.ctx.repos.routers.get(routerId))?.obj.externalGateway;
    if (gateway === null || gateway === undefined) return;
    const network = await this.ctx.repos.networks.get(gateway.networkId);
    for (const subnetId of network?.obj.subnetIds ?? []) {
      await this.ctx.ipam.release(subnetId, gatewayOwner(routerId));
    }
  }

  private async requireNoFloatingIps(routerId: string, onPort: (portId: string) => boolean) {
    const routed = (await this.ctx.repos.floatingIps.all()).filter(
      (f) => f.obj.routerId === routerId && f.obj.portId !== null && onPort(f.obj.portId),
    );
    if (routed.length > 0) {
      throw providerErrors.conflict(`floating IPs route through router ${routerId}`, {
        floatingIps: routed.map((f) => f.obj.id),
      });
    }
  }
}

/** The API view; routers stored before static routes existed have none. */
function view<T extends Router | undefined>(router: T): T {
  if (router === undefined) return router;
  return { ...copy(router), routes: copy(router.routes ?? []) } as T;
}

function gatewayOwner(routerId: string): string {
  return `router-gateway:${routerId}`;
}
