import {
  providerErrors,
  type AssociateFloatingIpInput,
  type CreateFloatingIpInput,
  type FindInput,
  type FloatingIp,
  type FloatingIpService,
  type IdInput,
  type ListFloatingIpsInput,
} from '@berth/provider-api';
import { findPort } from './addresses.js';
import { existingFor, mustGet, newObject, snapshot, type MemoryContext } from './context.js';
import { ObjectReads, serviceReads } from './reads.js';
import { takeExternalAddress } from './routers.js';
import type { FloatingIpRecord } from './state.js';

interface Association {
  portId: string;
  fixedIp: string;
  routerId: string;
}

export class MemoryFloatingIps implements FloatingIpService {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: serviceReads('floatingIps'),
      kind: 'FloatingIp',
      table: (state) => state.floatingIps,
      view: view,
    });
  }

  create(input: CreateFloatingIpInput, signal: AbortSignal): Promise<FloatingIp> {
    return this.ctx.run('floatingIps.create', input, signal, () => {
      const { state } = this.ctx;
      const existing = existingFor(state.floatingIps, input);
      if (existing) return view(existing);
      const network = mustGet(state.networks, 'Network', input.floatingNetworkId);
      if (!network.external)
        throw providerErrors.invalid(
          'floatingNetworkId',
          `network ${network.name} is not external`,
        );
      this.ctx.checkQuota('floatingIps', Object.keys(state.floatingIps).length, 1);
      const association =
        input.portId === undefined
          ? undefined
          : this.resolve(network.id, input.portId, input.fixedIp, undefined);
      const record: FloatingIpRecord = {
        ...newObject(this.ctx, 'fip', input),
        floatingNetworkId: network.id,
        address: takeExternalAddress(this.ctx, network.id),
        portId: association?.portId ?? null,
        fixedIp: association?.fixedIp ?? null,
        routerId: association?.routerId ?? null,
      };
      state.floatingIps[record.id] = record;
      return view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<FloatingIp> {
    return this.reads.get(input, signal);
  }

  find(input: FindInput, signal: AbortSignal): Promise<FloatingIp | undefined> {
    return this.reads.find(input, signal);
  }

  list(input: ListFloatingIpsInput, signal: AbortSignal): Promise<FloatingIp[]> {
    return this.reads.list(
      input,
      signal,
      (f) => input.portId === undefined || f.portId === input.portId,
    );
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('floatingIps.delete', input, signal, () => {
      delete this.ctx.state.floatingIps[input.id];
    });
  }

  associate(input: AssociateFloatingIpInput, signal: AbortSignal): Promise<FloatingIp> {
    return this.ctx.run('floatingIps.associate', input, signal, () => {
      const fip = mustGet(this.ctx.state.floatingIps, 'FloatingIp', input.id);
      Object.assign(fip, this.resolve(fip.floatingNetworkId, input.portId, input.fixedIp, fip.id));
      return view(fip);
    });
  }

  disassociate(input: IdInput, signal: AbortSignal): Promise<FloatingIp> {
    return this.ctx.run('floatingIps.disassociate', input, signal, () => {
      const fip = mustGet(this.ctx.state.floatingIps, 'FloatingIp', input.id);
      Object.assign(fip, { portId: null, fixedIp: null, routerId: null });
      return view(fip);
    });
  }

  /**
   * Where NAT for a floating IP on `networkId` to `portId` would run.
   * @throws BerthError NOT_FOUND (port), VALIDATION (fixed IP not the port's), CONFLICT (no
   *   router connects, or another floating IP holds the fixed IP)
   */
  private resolve(
    networkId: string,
    portId: string,
    fixedIp: string | undefined,
    self: string | undefined,
  ): Association {
    const { state } = this.ctx;
    const port = findPort(state, portId);
    if (!port) throw providerErrors.notFound('Port', portId);
    if (fixedIp !== undefined && fixedIp !== port.fixedIp) {
      throw providerErrors.invalid('fixedIp', `${fixedIp} is not an address of port ${portId}`);
    }
    const router = Object.values(state.routers).find(
      (r) =>
        r.externalGateway?.networkId === networkId &&
        r.interfaces.some((i) => i.subnetId === port.subnetId),
    );
    if (!router) {
      throw providerErrors.conflict(
        `no router connects subnet ${port.subnetId} to external network ${networkId}`,
      );
    }
    const holder = Object.values(state.floatingIps).find(
      (f) => f.id !== self && f.portId === portId && f.fixedIp === port.fixedIp,
    );
    if (holder)
      throw providerErrors.conflict(
        `floating IP ${holder.address} already maps to ${port.fixedIp}`,
      );
    return { portId, fixedIp: port.fixedIp, routerId: router.id };
  }
}

function view(record: FloatingIpRecord): FloatingIp {
  return snapshot({ ...record, status: record.portId === null ? 'DOWN' : 'ACTIVE' });
}
