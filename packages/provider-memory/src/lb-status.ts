/**
 * Octavia's operating statuses, derived from the memory world: a monitored member is ONLINE
 * while a server holding its address is ACTIVE and ERROR otherwise (stopped, crashed, gone);
 * pools, listeners and the load balancer roll their children up (DEGRADED when some are in
 * ERROR, ERROR when all are).
 */
import type { OperatingStatus, ProvisioningStatus } from '@berth/provider-api';
import type { MemoryContext } from './context.js';
import { holderOf, where } from './indexed-table.js';
import type { ListenerRecord, LoadBalancerRecord, MemberRecord, PoolRecord } from './state.js';

export function lbProvisioning(lb: LoadBalancerRecord): ProvisioningStatus {
  return lb.pendingReads > 0 ? 'PENDING_CREATE' : 'ACTIVE';
}

export function memberOperating(ctx: MemoryContext, member: MemberRecord): OperatingStatus {
  const monitored = where(ctx.state.healthMonitors, 'poolId', member.poolId).length > 0;
  if (!monitored) return 'NO_MONITOR';
  const { servers, subnets } = ctx.state;
  const networkId = member.subnetId === null ? undefined : subnets[member.subnetId]?.networkId;
  const server =
    networkId === undefined
      ? Object.values(servers).find((s) => s.ports.some((p) => p.fixedIp === member.address))
      : servers[holderOf(servers, networkId, member.address) ?? ''];
  return server?.status === 'ACTIVE' && server.pendingReads === 0 ? 'ONLINE' : 'ERROR';
}

export function poolOperating(ctx: MemoryContext, pool: PoolRecord): OperatingStatus {
  const members = where(ctx.state.members, 'poolId', pool.id);
  return rollUp(members.map((m) => memberOperating(ctx, m)));
}

export function listenerOperating(ctx: MemoryContext, listener: ListenerRecord): OperatingStatus {
  const pool =
    listener.defaultPoolId === null ? undefined : ctx.state.pools[listener.defaultPoolId];
  return pool ? poolOperating(ctx, pool) : 'ONLINE';
}

export function lbOperating(ctx: MemoryContext, lb: LoadBalancerRecord): OperatingStatus {
  if (lb.pendingReads > 0) return 'OFFLINE';
  const listeners = where(ctx.state.listeners, 'loadBalancerId', lb.id);
  return rollUp(listeners.map((l) => listenerOperating(ctx, l)));
}

function rollUp(children: OperatingStatus[]): OperatingStatus {
  const failing = children.filter((s) => s === 'ERROR' || s === 'DEGRADED').length;
  if (failing === 0) return 'ONLINE';
  if (failing === children.length && children.every((s) => s === 'ERROR')) return 'ERROR';
  return 'DEGRADED';
}
