/** The memory LoadBalancerService, assembled from one set of operations per Octavia object. */
import type { LoadBalancerService } from '@berth/provider-api';
import type { MemoryContext } from './context.js';
import { LoadBalancerOps } from './lb-core.js';
import { ListenerOps } from './lb-listeners.js';
import { HealthMonitorOps, MemberOps } from './lb-members.js';
import { PoolOps } from './lb-pools.js';

export function memoryLoadBalancers(ctx: MemoryContext): LoadBalancerService {
  const lbs = new LoadBalancerOps(ctx);
  const listeners = new ListenerOps(ctx);
  const pools = new PoolOps(ctx);
  const members = new MemberOps(ctx);
  const monitors = new HealthMonitorOps(ctx);
  return {
    create: (input, signal) => lbs.create(input, signal),
    get: (input, signal) => lbs.get(input, signal),
    find: (input, signal) => lbs.find(input, signal),
    list: (input, signal) => lbs.list(input, signal),
    delete: (input, signal) => lbs.delete(input, signal),
    createListener: (input, signal) => listeners.create(input, signal),
    getListener: (input, signal) => listeners.get(input, signal),
    listListeners: (input, signal) => listeners.list(input, signal),
    updateListener: (input, signal) => listeners.update(input, signal),
    deleteListener: (input, signal) => listeners.delete(input, signal),
    createPool: (input, signal) => pools.create(input, signal),
    getPool: (input, signal) => pools.get(input, signal),
    listPools: (input, signal) => pools.list(input, signal),
    updatePool: (input, signal) => pools.update(input, signal),
    deletePool: (input, signal) => pools.delete(input, signal),
    createMember: (input, signal) => members.create(input, signal),
    getMember: (input, signal) => members.get(input, signal),
    listMembers: (input, signal) => members.list(input, signal),
    deleteMember: (input, signal) => members.delete(input, signal),
    createHealthMonitor: (input, signal) => monitors.create(input, signal),
    getHealthMonitor: (input, signal) => monitors.get(input, signal),
    updateHealthMonitor: (input, signal) => monitors.update(input, signal),
    deleteHealthMonitor: (input, signal) => monitors.delete(input, signal),
  };
}
