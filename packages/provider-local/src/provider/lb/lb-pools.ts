/** Pools, their members and their health monitor. Each call returns the owning load balancer. */
import { parseIpv4 } from '@berth/net';
import {
  isPoolProtocolCompatible,
  providerErrors,
  validateNameAndTags,
  type CreateHealthMonitorInput,
  type CreateMemberInput,
  type CreatePoolInput,
  type HealthMonitor,
  type Member,
  type Pool,
  type UpdateHealthMonitorInput,
  type UpdatePoolInput,
} from '@berth/provider-api';
import { newId, type ProviderContext } from '../context.js';
import { NONE } from '../records.js';
import { findSame } from '../repo.js';

export class LbPools {
  constructor(private readonly ctx: ProviderContext) {}

  async createPool(input: CreatePoolInput): Promise<{ id: string; lbId: string }> {
    validateNameAndTags(input.name, input.tags);
    await this.ctx.repos.loadBalancers.require(input.loadBalancerId);
    const siblings = (await this.ctx.repos.pools.all()).filter(
      (p) => p.obj.loadBalancerId === input.loadBalancerId,
    );
    const existing = findSame(siblings, input);
    if (existing !== undefined) return { id: existing.obj.id, lbId: input.loadBalancerId };
    const id = newId();
    if (input.listenerId !== undefined) await this.checkListener(input, id);
    const pool: Pool = {
      id,
      name: input.name,
      tags: { ...input.tags },
      createdAt: this.ctx.now(),
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
      loadBalancerId: input.loadBalancerId,
      listenerId: input.listenerId ?? null,
      protocol: input.protocol,
      lbAlgorithm: input.lbAlgorithm,
      sessionPersistence: input.sessionPersistence ?? 'NONE',
      memberIds: [],
      healthMonitorId: null,
    };
    await this.ctx.repos.pools.put(pool, NONE);
    if (input.listenerId !== undefined) {
      await this.ctx.repos.listeners.update(input.listenerId, (e) => (e.obj.defaultPoolId = id));
    }
    return { id, lbId: input.loadBalancerId };
  }

  async updatePool(input: UpdatePoolInput): Promise<string> {
    const entry = await this.ctx.repos.pools.update(input.id, (e) => {
      if (input.lbAlgorithm !== undefined) e.obj.lbAlgorithm = input.lbAlgorithm;
      if (input.sessionPersistence !== undefined)
        e.obj.sessionPersistence = input.sessionPersistence;
    });
    return entry.obj.loadBalancerId;
  }

  /** Cascades to members and monitor; a listener using it loses its default pool. */
  async deletePool(id: string): Promise<string | undefined> {
    const entry = await this.ctx.repos.pools.get(id);
    if (entry === undefined) return undefined;
    const { repos } = this.ctx;
    for (const m of await repos.members.all())
      if (m.obj.poolId === id) await repos.members.delete(m.obj.id);
    for (const m of await repos.monitors.all())
      if (m.obj.poolId === id) await repos.monitors.delete(m.obj.id);
    for (const l of await repos.listeners.all()) {
      if (l.obj.defaultPoolId === id)
        await repos.listeners.update(l.obj.id, (e) => (e.obj.defaultPoolId = null));
    }
    await repos.pools.delete(id);
    return entry.obj.loadBalancerId;
  }

  /** Idempotent by address + port within the pool, whatever the name. */
  async createMember(input: CreateMemberInput): Promise<{ id: string; lbId: string }> {
    validateNameAndTags(input.name, input.tags);
    const pool = (await this.ctx.repos.pools.require(input.poolId)).obj;
    parseIpv4(input.address, 'address');
    const existing = (await this.ctx.repos.members.all()).find(
      (m) =>
        m.obj.poolId === pool.id &&
        m.obj.address === input.address &&
        m.obj.protocolPort === input.protocolPort,
    );
    if (existing !== undefined) return { id: existing.obj.id, lbId: pool.loadBalancerId };
    if (
      !Number.isInteger(input.protocolPort) ||
      input.protocolPort < 1 ||
      input.protocolPort > 65535
    ) {
      throw providerErrors.invalid('protocolPort', 'ports are integers from 1 to 65535');
    }
    const weight = input.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 0 || weight > 256) {
      throw providerErrors.invalid('weight', 'weight is an integer from 0 to 256');
    }
    const member: Member = {
      id: newId(),
      name: input.name,
      tags: { ...input.tags },
      createdAt: this.ctx.now(),
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'NO_MONITOR',
      poolId: pool.id,
      address: input.address,
      protocolPort: input.protocolPort,
      weight,
      subnetId: input.subnetId ?? null,
      backup: input.backup ?? false,
    };
    await this.ctx.repos.members.put(member, NONE);
    return { id: member.id, lbId: pool.loadBalancerId };
  }

  async deleteMember(id: string): Promise<string | undefined> {
    const entry = await this.ctx.repos.members.get(id);
    if (entry === undefined) return undefined;
    await this.ctx.repos.members.delete(id);
    return (await this.ctx.repos.pools.get(entry.obj.poolId))?.obj.loadBalancerId;
  }

  async createMonitor(input: CreateHealthMonitorInput): Promise<{ id: string; lbId: string }> {
    validateNameAndTags(input.name, input.tags);
    const pool = (await this.ctx.repos.pools.require(input.poolId)).obj;
    const current = (await this.ctx.repos.monitors.all()).find((m) => m.obj.poolId === pool.id);
    if (current !== undefined) {
      if (findSame([current], input) !== undefined)
        return { id: current.obj.id, lbId: pool.loadBalancerId };
      throw providerErrors.conflict(`pool ${pool.id} already has health monitor ${current.obj.id}`);
    }
    const http = input.type === 'HTTP' || input.type === 'HTTPS';
    const monitor: HealthMonitor = {
      id: newId(),
      name: input.name,
      tags: { ...input.tags },
      createdAt: this.ctx.now(),
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
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
    checkMonitor(monitor);
    await this.ctx.repos.monitors.put(monitor, NONE);
    return { id: monitor.id, lbId: pool.loadBalancerId };
  }

  async updateMonitor(input: UpdateHealthMonitorInput): Promise<string> {
    const entry = await this.ctx.repos.monitors.require(input.id);
    const { id: _id, ...changes } = input;
    const next = { ...entry.obj, ...definedOnly(changes) };
    checkMonitor(next);
    await this.ctx.repos.monitors.put(next, NONE, entry.seq);
    return (await this.ctx.repos.pools.require(next.poolId)).obj.loadBalancerId;
  }

  async deleteMonitor(id: string): Promise<string | undefined> {
    const entry = await this.ctx.repos.monitors.get(id);
    if (entry === undefined) return undefined;
    await this.ctx.repos.monitors.delete(id);
    return (await this.ctx.repos.pools.get(entry.obj.poolId))?.obj.loadBalancerId;
  }

  private async checkListener(input: CreatePoolInput, poolId: string): Promise<void> {
    const listener = (await this.ctx.repos.listeners.require(input.listenerId as string)).obj;
    if (listener.loadBalancerId !== input.loadBalancerId) {
      throw providerErrors.invalid('listenerId', 'the listener belongs to another load balancer');
    }
    if (!isPoolProtocolCompatible(listener.protocol, input.protocol)) {
      throw providerErrors.invalid(
        'protocol',
        `a ${input.protocol} pool cannot back a ${listener.protocol} listener`,
      );
    }
    if (listener.defaultPoolId !== null && listener.defaultPoolId !== poolId) {
      throw providerErrors.conflict(
        `listener ${listener.id} already has default pool ${listener.defaultPoolId}`,
      );
    }
  }
}

function checkMonitor(m: HealthMonitor): void {
  for (const field of ['delaySeconds', 'timeoutSeconds', 'maxRetries', 'maxRetriesDown'] as const) {
    if (!Number.isInteger(m[field]) || m[field] < 1) {
      throw providerErrors.invalid(field, `${field} is a whole number, at least 1`);
    }
  }
  if (!['TCP', 'HTTP', 'HTTPS'].includes(m.type))
    throw providerErrors.invalid('type', `unknown type ${m.type}`);
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
