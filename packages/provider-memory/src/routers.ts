import {
  providerErrors,
  type CreateRouterInput,
  type FindInput,
  type IdInput,
  type ListInput,
  type Router,
  type RouterInterfaceInput,
  type RouterService,
  type SetRouterGatewayInput,
  type SetRouterRoutesInput,
  validateRouterRoutes,
} from '@berth/provider-api';
import { cidrContains } from '@berth/net';
import { findPort, takeAddress } from './addresses.js';
import { existingFor, mustGet, newObject, snapshot, type MemoryContext } from './context.js';
import { ObjectReads, serviceReads } from './reads.js';
import type { RouterRecord } from './state.js';
import { lookup, reindex, where } from './indexed-table.js';

export class MemoryRouters implements RouterService {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: serviceReads('routers'),
      kind: 'Router',
      table: (state) => state.routers,
      view: view,
    });
  }

  create(input: CreateRouterInput, signal: AbortSignal): Promise<Router> {
    return this.ctx.run('routers.create', input, signal, () => {
      const { routers } = this.ctx.state;
      const existing = existingFor(routers, input);
      if (existing) return view(existing);
      this.ctx.checkQuota('routers', Object.keys(routers).length, 1);
      const record: RouterRecord = {
        ...newObject(this.ctx, 'router', input),
        externalGateway: null,
        interfaces: [],
        routes: [],
      };
      if (input.externalGateway)
        this.applyGateway(
          record,
          input.externalGateway.networkId,
          input.externalGateway.enableSnat,
        );
      routers[record.id] = record;
      return view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Router> {
    return this.reads.get(input, signal);
  }

  find(input: FindInput, signal: AbortSignal): Promise<Router | undefined> {
    return this.reads.find(input, signal);
  }

  list(input: ListInput, signal: AbortSignal): Promise<Router[]> {
    return this.reads.list(input, signal);
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('routers.delete', input, signal, () => {
      const router = this.ctx.state.routers[input.id];
      if (!router) return;
      if (router.interfaces.length > 0) {
        throw providerErrors.conflict(
          `router ${router.name} still has ${router.interfaces.length} interface(s)`,
        );
      }
      delete this.ctx.state.routers[router.id];
    });
  }

  setGateway(input: SetRouterGatewayInput, signal: AbortSignal): Promise<Router> {
    return this.ctx.run('routers.setGateway', input, signal, () => {
      const router = mustGet(this.ctx.state.routers, 'Router', input.id);
      this.applyGateway(router, input.networkId, input.enableSnat);
      return view(router);
    });
  }

  clearGateway(input: IdInput, signal: AbortSignal): Promise<Router> {
    return this.ctx.run('routers.clearGateway', input, signal, () => {
      const router = mustGet(this.ctx.state.routers, 'Router', input.id);
      this.assertNoFloatingIps(router, () => true);
      router.externalGateway = null;
      reindex(this.ctx.state.routers, router.id);
      return view(router);
    });
  }

  addInterface(input: RouterInterfaceInput, signal: AbortSignal): Promise<Router> {
    return this.ctx.run('routers.addInterface', input, signal, () => {
      const { state } = this.ctx;
      const router = mustGet(state.routers, 'Router', input.id);
      const subnet = mustGet(state.subnets, 'Subnet', input.subnetId);
      if (router.interfaces.some((i) => i.subnetId === subnet.id)) return view(router);
      if (state.networks[subnet.networkId]?.external) {
        throw providerErrors.invalid('subnetId', 'use setGateway for external networks');
      }
      const owner = lookup(state.routers, 'subnet', subnet.id).find((r) =>
        r.interfaces.some((i) => i.subnetId === subnet.id),
      );
      if (owner)
        throw providerErrors.conflict(
          `router ${owner.name} already owns the gateway of ${subnet.name}`,
        );
      router.interfaces.push({
        subnetId: subnet.id,
        ip: subnet.gatewayIp,
        portId: this.ctx.newId('port'),
      });
      reindex(state.routers, router.id);
      return view(router);
    });
  }

  removeInterface(input: RouterInterfaceInput, signal: AbortSignal): Promise<Router> {
    return this.ctx.run('routers.removeInterface', input, signal, () => {
      const router = mustGet(this.ctx.state.routers, 'Router', input.id);
      if (!router.interfaces.some((i) => i.subnetId === input.subnetId)) return view(router);
      this.assertNoFloatingIps(router, (fixedSubnetId) => fixedSubnetId === input.subnetId);
      const subnet = this.ctx.state.subnets[input.subnetId];
      const using = router.routes.filter(
        (r) => subnet !== undefined && cidrContains(subnet.cidr, r.nexthop),
      );
      if (using.length > 0) {
        throw providerErrors.conflict(
          `routes to ${using.map((r) => r.destination).join(', ')} go through ${subnet?.name}`,
        );
      }
      router.interfaces = router.interfaces.filter((i) => i.subnetId !== input.subnetId);
      reindex(this.ctx.state.routers, router.id);
      return view(router);
    });
  }

  setRoutes(input: SetRouterRoutesInput, signal: AbortSignal): Promise<Router> {
    return this.ctx.run('routers.setRoutes', input, signal, () => {
      const { state } = this.ctx;
      const router = mustGet(state.routers, 'Router', input.id);
      const cidrs = router.interfaces.flatMap((i) => state.subnets[i.subnetId]?.cidr ?? []);
      router.routes = validateRouterRoutes(input.routes, cidrs);
      return view(router);
    });
  }

  private applyGateway(router: RouterRecord, networkId: string, enableSnat = true): void {
    const { state } = this.ctx;
    const network = mustGet(state.networks, 'Network', networkId);
    if (!network.external)
      throw providerErrors.invalid('networkId', `network ${network.name} is not external`);
    const current = router.externalGateway;
    if (current?.networkId === networkId) {
      current.enableSnat = enableSnat;
      return;
    }
    if (current) this.assertNoFloatingIps(router, () => true);
    const ip = takeExternalAddress(this.ctx, networkId);
    router.externalGateway = { networkId, ip, enableSnat };
    reindex(state.routers, router.id);
  }

  /** CONFLICT while floating IPs NAT through `router` to a port on a subnet `affected` picks. */
  private assertNoFloatingIps(router: RouterRecord, affected: (subnetId: string) => boolean): void {
    const { state } = this.ctx;
    const using = Object.values(state.floatingIps).filter((f) => {
      if (f.routerId !== router.id || f.portId === null) return false;
      const subnetId = portSubnet(this.ctx, f.portId);
      return subnetId !== undefined && affected(subnetId);
    });
    if (using.length > 0) {
      throw providerErrors.conflict(
        `floating IPs ${using.map((f) => f.address).join(', ')} route through ${router.name}`,
      );
    }
  }
}

function portSubnet(ctx: MemoryContext, portId: string): string | undefined {
  return findPort(ctx.state, portId)?.subnetId;
}

/** An address from the first subnet of external network `networkId` with one free. */
export function takeExternalAddress(ctx: MemoryContext, networkId: string): string {
  const subnets = where(ctx.state.subnets, 'networkId', networkId);
  let lastError: unknown = providerErrors.quota(
    'addresses',
    `external network ${networkId} has no subnet`,
  );
  for (const subnet of subnets) {
    try {
      return takeAddress(ctx.state, subnet, undefined);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

function view(record: RouterRecord): Router {
  return snapshot({ ...record, status: 'ACTIVE' });
}
