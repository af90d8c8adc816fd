/** A load balancer's records from the inventory: everything its amphorae's configuration needs. */
import type { ProviderContext } from '../context.js';
import type { LbRecords } from './lb-config.js';

export async function loadLbRecords(ctx: ProviderContext, lbId: string): Promise<LbRecords> {
  const { repos } = ctx;
  const lb = (await repos.loadBalancers.require(lbId)).obj;
  const listeners = (await repos.listeners.all())
    .filter((e) => e.obj.loadBalancerId === lbId)
    .map((e) => ({
      listener: e.obj,
      ...(e.local.tls === undefined ? {} : { tls: e.local.tls }),
    }));
  const pools = (await repos.pools.all())
    .map((e) => e.obj)
    .filter((p) => p.loadBalancerId === lbId);
  const poolIds = new Set(pools.map((p) => p.id));
  const members = (await repos.members.all())
    .map((e) => e.obj)
    .filter((m) => poolIds.has(m.poolId));
  const monitors = (await repos.monitors.all())
    .map((e) => e.obj)
    .filter((m) => poolIds.has(m.poolId));
  return { lb, listeners, pools, members, monitors };
}
