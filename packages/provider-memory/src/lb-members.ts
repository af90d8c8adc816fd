/** Members and health monitors of the memory load balancers' pools. */
import {
  isSameCreate,
  providerErrors,
  validateNameAndTags,
  type CreateHealthMonitorInput,
  type CreateMemberInput,
  type HealthMonitor,
  type IdInput,
  type ListMembersInput,
  type Member,
  type UpdateHealthMonitorInput,
} from '@berth/provider-api';
import { mustGet, newObject, snapshot, type MemoryContext } from './context.js';
import { ObjectReads } from './reads.js';
import { mutableLoadBalancer } from './lb-core.js';
import { memberOperating } from './lb-status.js';
import { checkMember, checkMonitor } from './lb-validation.js';
import type { HealthMonitorRecord, MemberRecord } from './state.js';

export class MemberOps {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: { get: 'loadBalancers.getMember', list: 'loadBalancers.listMembers' },
      kind: 'Member',
      table: (state) => state.members,
      view: (r) => this.view(r),
    });
  }

  create(input: CreateMemberInput, signal: AbortSignal): Promise<Member> {
    return this.ctx.run('loadBalancers.createMember', input, signal, () => {
      const { state } = this.ctx;
      const pool = mustGet(state.pools, 'Pool', input.poolId);
      validateNameAndTags(input.name, input.tags);
      checkMember(input.address, input.protocolPort, input.weight);
      const existing = Object.values(state.members).find(
        (m) =>
          m.poolId === pool.id &&
          m.address === input.address &&
          m.protocolPort === input.protocolPort,
      );
      if (existing) return this.view(existing);
      mutableLoadBalancer(this.ctx, pool.loadBalancerId);
      if (input.subnetId !== undefined) mustGet(state.subnets, 'Subnet', input.subnetId);
      const record: MemberRecord = {
        ...newObject(this.ctx, 'member', input),
        poolId: pool.id,
        address: input.address,
        protocolPort: input.protocolPort,
        weight: input.weight ?? 1,
        subnetId: input.subnetId ?? null,
        backup: input.backup ?? false,
      };
      state.members[record.id] = record;
      return this.view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Member> {
    return this.reads.get(input, signal);
  }

  list(input: ListMembersInput, signal: AbortSignal): Promise<Member[]> {
    return this.reads.list(input, signal, (m) => m.poolId === input.poolId);
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('loadBalancers.deleteMember', input, signal, () => {
      const member = this.ctx.state.members[input.id];
      if (!member) return;
      const pool = mustGet(this.ctx.state.pools, 'Pool', member.poolId);
      mutableLoadBalancer(this.ctx, pool.loadBalancerId);
      delete this.ctx.state.members[member.id];
    });
  }

  private view(record: MemberRecord): Member {
    return snapshot({
      ...record,
      provisioningStatus: 'ACTIVE',
      operatingStatus: memberOperating(this.ctx, record),
    });
  }
}

export class HealthMonitorOps {
  constructor(private readonly ctx: MemoryContext) {}

  create(input: CreateHealthMonitorInput, signal: AbortSignal): Promise<HealthMonitor> {
    return this.ctx.run('loadBalancers.createHealthMonitor', input, signal, () => {
      const { state } = this.ctx;
      const pool = mustGet(state.pools, 'Pool', input.poolId);
      validateNameAndTags(input.name, input.tags);
      const current = Object.values(state.healthMonitors).find((h) => h.poolId === pool.id);
      if (current && isSameCreate(current, input)) return view(current);
      if (current)
        throw providerErrors.conflict(`pool ${pool.name} already has monitor ${current.name}`);
      mutableLoadBalancer(this.ctx, pool.loadBalancerId);
      checkMonitor(input);
      checkDelayCoversTimeout(input.delaySeconds, input.timeoutSeconds);
      const http = input.type !== 'TCP';
      const record: HealthMonitorRecord = {
        ...newObject(this.ctx, 'monitor', input),
        poolId: pool.id,
        type: input.type,
        delaySeconds: input.delaySeconds,
        timeoutSeconds: input.timeoutSeconds,
        maxRetries: input.maxRetries,
        maxRetriesDown: input.maxRetriesDown ?? 3,
        httpMethod: http ? (input.httpMethod ?? 'GET') : null,
        urlPath: http ? (input.urlPath ?? '/') : null,
        expectedCodes: http ? (input.expectedCodes ?? '200') : null,
      };
      state.healthMonitors[record.id] = record;
      return view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<HealthMonitor> {
    return this.ctx.run('loadBalancers.getHealthMonitor', input, signal, () =>
      view(mustGet(this.ctx.state.healthMonitors, 'HealthMonitor', input.id)),
    );
  }

  update(input: UpdateHealthMonitorInput, signal: AbortSignal): Promise<HealthMonitor> {
    return this.ctx.run('loadBalancers.updateHealthMonitor', input, signal, () => {
      const monitor = mustGet(this.ctx.state.healthMonitors, 'HealthMonitor', input.id);
      const pool = mustGet(this.ctx.state.pools, 'Pool', monitor.poolId);
      mutableLoadBalancer(this.ctx, pool.loadBalancerId);
      checkMonitor(input);
      const { id: _id, ...fields } = input;
      const changed = {
        ...monitor,
        ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
      };
      checkDelayCoversTimeout(changed.delaySeconds, changed.timeoutSeconds);
      Object.assign(monitor, changed);
      return view(monitor);
    });
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('loadBalancers.deleteHealthMonitor', input, signal, () => {
      const monitor = this.ctx.state.healthMonitors[input.id];
      if (!monitor) return;
      const pool = mustGet(this.ctx.state.pools, 'Pool', monitor.poolId);
      mutableLoadBalancer(this.ctx, pool.loadBalancerId);
      delete this.ctx.state.healthMonitors[monitor.id];
    });
  }
}

/** Octavia: a probe must time out before the next one starts. */
function checkDelayCoversTimeout(delaySeconds: number, timeoutSeconds: number): void {
  if (timeoutSeconds > delaySeconds) {
    throw providerErrors.invalid('timeoutSeconds', 'timeoutSeconds must not exceed delaySeconds');
  }
}

function view(record: HealthMonitorRecord): HealthMonitor {
  return snapshot({ ...record, provisioningStatus: 'ACTIVE', operatingStatus: 'ONLINE' });
}
