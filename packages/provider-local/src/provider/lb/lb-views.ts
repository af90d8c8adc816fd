/**
 * The API view of load balancer objects: stored records plus statuses read from the amphora.
 * Member operating status comes from HAProxy's checks (`show stat`); pools, listeners and the
 * load balancer roll their children up: DEGRADED when some member is in ERROR, ERROR when all
 * are. Provisioning is synchronous here, so it reads ACTIVE unless the last apply failed.
 */
import type {
  HealthMonitor,
  Listener,
  LoadBalancer,
  Member,
  OperatingStatus,
  Pool,
  ProvisioningStatus,
} from '@berth/provider-api';
import type { ProviderContext } from '../context.js';
import type { AmphoraRuntime } from './amphorae.js';

/** Member id → HAProxy status (UP, DOWN, MAINT, no check, …) on the active amphora. */
type MemberHealth = Map<string, string>;

export class LbViews {
  constructor(
    private readonly ctx: ProviderContext,
    private readonly amphorae: AmphoraRuntime,
  ) {}

  async loadBalancer(id: string): Promise<LoadBalancer> {
    const entry = await this.ctx.repos.loadBalancers.require(id);
    const health = await this.health(id);
    const listeners = await this.childListeners(id);
    const pools = (await this.ctx.repos.pools.all()).filter((p) => p.obj.loadBalancerId === id);
    const statuses = await Promise.all(listeners.map((l) => this.listenerOperating(l, health)));
    const lb = structuredClone(entry.obj);
    lb.listenerIds = listeners.map((l) => l.id);
    lb.poolIds = pools.map((p) => p.obj.id);
    lb.provisioningStatus = this.provisioning(id, entry.local.applyError);
    lb.operatingStatus = !this.amphorae.anyRunning(entry)
      ? 'ERROR'
      : statuses.some((s) => s === 'ERROR' || s === 'DEGRADED')
        ? 'DEGRADED'
        : 'ONLINE';
    return lb;
  }

  async listener(id: string): Promise<Listener> {
    const listener = structuredClone((await this.ctx.repos.listeners.require(id)).obj);
    listener.operatingStatus = await this.listenerOperating(
      listener,
      await this.health(listener.loadBalancerId),
    );
    listener.provisioningStatus = await this.childProvisioning(listener.loadBalancerId);
    return listener;
  }

  async pool(id: string): Promise<Pool> {
    const pool = structuredClone((await this.ctx.repos.pools.require(id)).obj);
    const members = await this.childMembers(id);
    const monitor = await this.monitorOf(id);
    pool.memberIds = members.map((m) => m.id);
    pool.healthMonitorId = monitor?.id ?? null;
    pool.operatingStatus = rollUp(
      await this.memberStatuses(pool, await this.health(pool.loadBalancerId)),
    );
    pool.provisioningStatus = await this.childProvisioning(pool.loadBalancerId);
    return pool;
  }

  async member(id: string): Promise<Member> {
    const member = structuredClone((await this.ctx.repos.members.require(id)).obj);
    const pool = (await this.ctx.repos.pools.require(member.poolId)).obj;
    const health = await this.health(pool.loadBalancerId);
    member.operatingStatus = memberOperating(
      member,
      (await this.monitorOf(pool.id)) !== undefined,
      health,
    );
    member.provisioningStatus = await this.childProvisioning(pool.loadBalancerId);
    return member;
  }

  async monitor(id: string): Promise<HealthMonitor> {
    const monitor = structuredClone((await this.ctx.repos.monitors.require(id)).obj);
    const pool = (await this.ctx.repos.pools.require(monitor.poolId)).obj;
    monitor.operatingStatus = 'ONLINE';
    monitor.provisioningStatus = await this.childProvisioning(pool.loadBalancerId);
    return monitor;
  }

  async childListeners(lbId: string): Promise<Listener[]> {
    return (await this.ctx.repos.listeners.all())
      .map((e) => e.obj)
      .filter((l) => l.loadBalancerId === lbId);
  }

  async childMembers(poolId: string): Promise<Member[]> {
    return (await this.ctx.repos.members.all())
      .map((e) => e.obj)
      .filter((m) => m.poolId === poolId);
  }

  async monitorOf(poolId: string): Promise<HealthMonitor | undefined> {
    return (await this.ctx.repos.monitors.all()).map((e) => e.obj).find((m) => m.poolId === poolId);
  }

  private async listenerOperating(
    listener: Listener,
    health: MemberHealth,
  ): Promise<OperatingStatus> {
    if (listener.defaultPoolId === null) return 'ONLINE';
    const pool = (await this.ctx.repos.pools.get(listener.defaultPoolId))?.obj;
    return pool === undefined ? 'ONLINE' : rollUp(await this.memberStatuses(pool, health));
  }

  private async memberStatuses(pool: Pool, health: MemberHealth): Promise<OperatingStatus[]> {
    const monitored = (await this.monitorOf(pool.id)) !== undefined;
    return (await this.childMembers(pool.id)).map((m) => memberOperating(m, monitored, health));
  }

  private async health(lbId: string): Promise<MemberHealth> {
    const entry = await this.ctx.repos.loadBalancers.get(lbId);
    if (entry === undefined) return new Map();
    const rows = await this.amphorae.memberStats(entry);
    return new Map(rows.map((r) => [r.name, r.status]));
  }

  private provisioning(_lbId: string, applyError: string | undefined): ProvisioningStatus {
    return applyError === undefined ? 'ACTIVE' : 'ERROR';
  }

  private async childProvisioning(lbId: string): Promise<ProvisioningStatus> {
    const entry = await this.ctx.repos.loadBalancers.get(lbId);
    return this.provisioning(lbId, entry?.local.applyError);
  }
}

export function memberOperating(
  member: Member,
  monitored: boolean,
  health: MemberHealth,
): OperatingStatus {
  if (!monitored) return 'NO_MONITOR';
  const status = health.get(member.id);
  if (status === undefined) return 'OFFLINE';
  if (status.startsWith('UP')) return 'ONLINE';
  if (status.startsWith('DOWN')) return 'ERROR';
  if (status.startsWith('MAINT')) return 'OFFLINE';
  return 'NO_MONITOR';
}

export function rollUp(statuses: OperatingStatus[]): OperatingStatus {
  const errors = statuses.filter((s) => s === 'ERROR').length;
  if (errors > 0 && errors === statuses.length) return 'ERROR';
  if (errors > 0) return 'DEGRADED';
  return 'ONLINE';
}
