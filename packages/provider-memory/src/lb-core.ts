/** Load balancer objects themselves: create with a VIP, reads with derived statuses, cascade delete. */
import {
  providerErrors,
  type CreateLoadBalancerInput,
  type FindInput,
  type IdInput,
  type ListInput,
  type LoadBalancer,
} from '@berth/provider-api';
import { takeAddress } from './addresses.js';
import { existingFor, mustGet, newObject, snapshot, type MemoryContext } from './context.js';
import { ObjectReads, serviceReads } from './reads.js';
import { lbOperating, lbProvisioning } from './lb-status.js';
import type { LoadBalancerRecord } from './state.js';
import { where } from './indexed-table.js';

export class LoadBalancerOps {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: serviceReads('loadBalancers'),
      kind: 'LoadBalancer',
      table: (state) => state.loadBalancers,
      view: (lb) => this.read(lb),
    });
  }

  create(input: CreateLoadBalancerInput, signal: AbortSignal): Promise<LoadBalancer> {
    return this.ctx.run('loadBalancers.create', input, signal, () => {
      const { state } = this.ctx;
      const existing = existingFor(state.loadBalancers, input);
      if (existing) return this.view(existing);
      const subnet = mustGet(state.subnets, 'Subnet', input.vipSubnetId);
      const topology = input.topology ?? 'ACTIVE_STANDBY';
      if (topology !== 'SINGLE' && topology !== 'ACTIVE_STANDBY') {
        throw providerErrors.invalid('topology', `unsupported topology "${String(topology)}"`);
      }
      this.ctx.checkQuota('loadBalancers', Object.keys(state.loadBalancers).length, 1);
      const vipAddress = takeAddress(state, subnet, input.vipAddress, [], 'vipAddress');
      const record: LoadBalancerRecord = {
        ...newObject(this.ctx, 'lb', input),
        vipNetworkId: subnet.networkId,
        vipSubnetId: subnet.id,
        vipAddress,
        vipPortId: this.ctx.newId('port'),
        topology,
        pendingReads: this.ctx.settleReads,
      };
      state.loadBalancers[record.id] = record;
      return this.view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<LoadBalancer> {
    return this.reads.get(input, signal);
  }

  find(input: FindInput, signal: AbortSignal): Promise<LoadBalancer | undefined> {
    return this.reads.find(input, signal);
  }

  list(input: ListInput, signal: AbortSignal): Promise<LoadBalancer[]> {
    return this.reads.list(input, signal);
  }

  /** Cascade delete, allowed in any status so teardown always makes progress. */
  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('loadBalancers.delete', input, signal, () => {
      const { state } = this.ctx;
      const lb = state.loadBalancers[input.id];
      if (!lb) return;
      for (const pool of where(state.pools, 'loadBalancerId', lb.id)) {
        deletePoolCascade(this.ctx, pool.id);
      }
      for (const l of Object.values(state.listeners))
        if (l.loadBalancerId === lb.id) delete state.listeners[l.id];
      for (const fip of Object.values(state.floatingIps)) {
        if (fip.portId === lb.vipPortId)
          Object.assign(fip, { portId: null, fixedIp: null, routerId: null });
      }
      delete state.loadBalancers[lb.id];
    });
  }

  private read(record: LoadBalancerRecord): LoadBalancer {
    const lb = this.view(record);
    if (record.pendingReads > 0) {
      record.pendingReads -= 1;
      this.ctx.markDirty();
    }
    return lb;
  }

  private view(record: LoadBalancerRecord): LoadBalancer {
    const { pendingReads: _pending, ...rest } = record;
    const { listeners, pools } = this.ctx.state;
    return snapshot({
      ...rest,
      provisioningStatus: lbProvisioning(record),
      operatingStatus: lbOperating(this.ctx, record),
      listenerIds: where(listeners, 'loadBalancerId', record.id).map((l) => l.id),
      poolIds: where(pools, 'loadBalancerId', record.id).map((p) => p.id),
    });
  }
}

/**
 * The load balancer a child change applies to, refusing while it is PENDING_* (Octavia's
 * immutable state).
 * @throws BerthError NOT_FOUND (no such load balancer), CONFLICT (pending)
 */
export function mutableLoadBalancer(ctx: MemoryContext, id: string): LoadBalancerRecord {
  const lb = mustGet(ctx.state.loadBalancers, 'LoadBalancer', id);
  const status = lbProvisioning(lb);
  if (status !== 'ACTIVE')
    throw providerErrors.conflict(`load balancer ${lb.name} is ${status}; retry later`);
  return lb;
}

/** Removes a pool with its members and monitor, detaching it from listeners. */
export function deletePoolCascade(ctx: MemoryContext, poolId: string): void {
  const { state } = ctx;
  for (const m of where(state.members, 'poolId', poolId)) delete state.members[m.id];
  for (const h of Object.values(state.healthMonitors))
    if (h.poolId === poolId) delete state.healthMonitors[h.id];
  for (const l of Object.values(state.listeners))
    if (l.defaultPoolId === poolId) l.defaultPoolId = null;
  delete state.pools[poolId];
}
