/**
 * Floating IPs (Neutron's model): an external address 1:1-NATed by the router that connects the
 * external network to the port's subnet. The NAT rules and the address on the router's external
 * leg come from router-sync; this service keeps the records and picks the router.
 */
import {
  providerErrors,
  validateNameAndTags,
  type AssociateFloatingIpInput,
  type CreateFloatingIpInput,
  type FindInput,
  type FloatingIp,
  type FloatingIpService,
  type IdInput,
  type ListFloatingIpsInput,
} from '@berth/provider-api';
import { mutate, newId, read, type ProviderContext } from './context.js';
import { requireExternalNetwork } from './external-network.js';
import type { PortRecord } from './records.js';
import { NONE } from './records.js';
import { copy, findByName, findSame, withTags } from './repo.js';
import { syncRouter } from './router-sync.js';

export class LocalFloatingIps implements FloatingIpService {
  constructor(private readonly ctx: ProviderContext) {}

  create(input: CreateFloatingIpInput, signal: AbortSignal): Promise<FloatingIp> {
    return mutate(this.ctx, signal, async () => {
      validateNameAndTags(input.name, input.tags);
      const existing = findSame(await this.ctx.repos.floatingIps.all(), input);
      if (existing !== undefined) return copy(existing.obj);
      const network = await requireExternalNetwork(
        this.ctx,
        input.floatingNetworkId,
        'floatingNetworkId',
      );
      const subnetId = network.subnetIds[0];
      if (subnetId === undefined) throw providerErrors.invalid('floatingNetworkId', 'no subnet');
      const id = newId();
      const address = await this.ctx.ipam.allocate(subnetId, fipOwner(id));
      const fip: FloatingIp = {
        id,
        name: input.name,
        tags: { ...input.tags },
        createdAt: this.ctx.now(),
        floatingNetworkId: network.id,
        address,
        portId: null,
        fixedIp: null,
        routerId: null,
        status: 'DOWN',
      };
      await this.ctx.repos.floatingIps.put(fip, NONE);
      if (input.portId === undefined) return copy(fip);
      try {
        return await this.point(id, input.portId, input.fixedIp, signal);
      } catch (err) {
        await this.release(id);
        throw err;
      }
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<FloatingIp> {
    return read(signal, async () => copy((await this.ctx.repos.floatingIps.require(input.id)).obj));
  }

  find(input: FindInput, signal: AbortSignal): Promise<FloatingIp | undefined> {
    return read(signal, async () =>
      copy(findByName(await this.ctx.repos.floatingIps.all(), input.name, input.tags)),
    );
  }

  list(input: ListFloatingIpsInput, signal: AbortSignal): Promise<FloatingIp[]> {
    return read(signal, async () =>
      withTags(await this.ctx.repos.floatingIps.all(), input.tags)
        .map((e) => copy(e.obj))
        .filter((f) => input.portId === undefined || f.portId === input.portId),
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      if ((await this.ctx.repos.floatingIps.get(input.id)) === undefined) return;
      await disassociateFloatingIp(this.ctx, input.id, signal);
      await this.release(input.id);
    });
  }

  associate(input: AssociateFloatingIpInput, signal: AbortSignal): Promise<FloatingIp> {
    return mutate(this.ctx, signal, () =>
      this.point(input.id, input.portId, input.fixedIp, signal),
    );
  }

  disassociate(input: IdInput, signal: AbortSignal): Promise<FloatingIp> {
    return mutate(this.ctx, signal, async () => {
      await this.ctx.repos.floatingIps.require(input.id);
      return copy(await disassociateFloatingIp(this.ctx, input.id, signal));
    });
  }

  /** Points the floating IP at a port, moving it from wherever it was. */
  private async point(
    id: string,
    portId: string,
    fixedIp: string | undefined,
    signal: AbortSignal,
  ) {
    const fip = (await this.ctx.repos.floatingIps.require(id)).obj;
    const port = (await this.ctx.repos.ports.require(portId)).obj;
    if (fixedIp !== undefined && fixedIp !== port.fixedIp) {
      throw providerErrors.invalid('fixedIp', `${fixedIp} is not an address of port ${portId}`);
    }
    const routerId = await this.routerFor(fip, port);
    const holder = (await this.ctx.repos.floatingIps.all()).find(
      (f) => f.obj.id !== id && f.obj.portId === port.id && f.obj.fixedIp === port.fixedIp,
    );
    if (holder !== undefined) {
      throw providerErrors.conflict(
        `${port.fixedIp} already has floating IP ${holder.obj.address}`,
      );
    }
    const previousRouter = fip.routerId;
    const entry = await this.ctx.repos.floatingIps.update(id, (e) => {
      Object.assign(e.obj, { portId: port.id, fixedIp: port.fixedIp, routerId, status: 'ACTIVE' });
    });
    if (previousRouter !== null && previousRouter !== routerId) {
      await syncRouter(this.ctx, previousRouter, signal);
    }
    await syncRouter(this.ctx, routerId, signal);
    return copy(entry.obj);
  }

  /** The router with a gateway on the floating IP's network and a leg on the port's subnet. */
  private async routerFor(fip: FloatingIp, port: PortRecord): Promise<string> {
    const router = (await this.ctx.repos.routers.all()).find(
      (r) =>
        r.obj.externalGateway?.networkId === fip.floatingNetworkId &&
        r.obj.interfaces.some((i) => i.subnetId === port.subnetId),
    );
    if (router === undefined) {
      throw providerErrors.conflict(
        `no router connects subnet ${port.subnetId} to external network ${fip.floatingNetworkId}`,
      );
    }
    return router.obj.id;
  }

  private async release(id: string): Promise<void> {
    const fip = (await this.ctx.repos.floatingIps.get(id))?.obj;
    if (fip === undefined) return;
    const network = await this.ctx.repos.networks.get(fip.floatingNetworkId);
    for (const subnetId of network?.obj.subnetIds ?? []) {
      await this.ctx.ipam.release(subnetId, fipOwner(id));
    }
    await this.ctx.repos.floatingIps.delete(id);
  }
}

function fipOwner(id: string): string {
  return `floating-ip:${id}`;
}

/** Takes a floating IP off its port and drops its NAT; a no-op when it is not associated. */
export async function disassociateFloatingIp(
  ctx: ProviderContext,
  id: string,
  signal?: AbortSignal,
): Promise<FloatingIp> {
  const before = (await ctx.repos.floatingIps.require(id)).obj;
  if (before.portId === null) return before;
  const entry = await ctx.repos.floatingIps.update(id, (e) => {
    Object.assign(e.obj, { portId: null, fixedIp: null, routerId: null, status: 'DOWN' });
  });
  if (before.routerId !== null) await syncRouter(ctx, before.routerId, signal);
  return entry.obj;
}

/** Disassociates every floating IP on `portId` (the port is going away). */
export async function disassociatePort(ctx: ProviderContext, portId: string, signal?: AbortSignal) {
  for (const entry of await ctx.repos.floatingIps.all()) {
    if (entry.obj.portId === portId) await disassociateFloatingIp(ctx, entry.obj.id, signal);
  }
}
