/** Load balancers themselves: VIP port, amphorae, cascade delete, and applying changes. */
import {
  providerErrors,
  validateNameAndTags,
  type CreateLoadBalancerInput,
  type LoadBalancer,
} from '@berth/provider-api';
import { errorMessage } from '../../agent/errors.js';
import { newId, type ProviderContext } from '../context.js';
import { disassociatePort } from '../floating-ips.js';
import { createPort, deletePort } from '../ports.js';
import type { AmphoraLocal, PortRecord } from '../records.js';
import { findSame } from '../repo.js';
import type { AmphoraRuntime } from './amphorae.js';

export class LbCore {
  constructor(
    private readonly ctx: ProviderContext,
    private readonly amphorae: AmphoraRuntime,
  ) {}

  /** Returns the id of the new (or the identical existing) load balancer. */
  async create(input: CreateLoadBalancerInput, signal: AbortSignal): Promise<string> {
    validateNameAndTags(input.name, input.tags);
    const subnet = (await this.ctx.repos.subnets.require(input.vipSubnetId)).obj;
    const existing = findSame(await this.ctx.repos.loadBalancers.all(), input);
    if (existing !== undefined) return existing.obj.id;
    const id = newId();
    const topology = input.topology ?? 'ACTIVE_STANDBY';
    const made: PortRecord[] = [];
    const amphorae: AmphoraLocal[] = [];
    try {
      const req = { networkId: subnet.networkId, subnetId: subnet.id };
      made.push(
        await createPort(
          this.ctx,
          { ...req, ...(input.vipAddress ? { fixedIp: input.vipAddress } : {}) },
          { kind: 'lb-vip', id },
        ),
      );
      const roles = topology === 'SINGLE' ? (['SINGLE'] as const) : (['MASTER', 'BACKUP'] as const);
      for (const role of roles) {
        const ampId = newId();
        const port = await createPort(this.ctx, req, { kind: 'amphora', id: ampId });
        made.push(port);
        amphorae.push({ id: ampId, portId: port.id, ip: port.fixedIp, role });
      }
    } catch (err) {
      for (const port of made) await deletePort(this.ctx, port.id);
      throw err;
    }
    const vip = made[0] as PortRecord;
    const lb: LoadBalancer = {
      id,
      name: input.name,
      tags: { ...input.tags },
      createdAt: this.ctx.now(),
      provisioningStatus: 'PENDING_CREATE',
      operatingStatus: 'OFFLINE',
      vipNetworkId: subnet.networkId,
      vipSubnetId: subnet.id,
      vipAddress: vip.fixedIp,
      vipPortId: vip.id,
      topology,
      listenerIds: [],
      poolIds: [],
    };
    await this.ctx.repos.loadBalancers.put(lb, { amphorae });
    await this.record(id, () => this.amphorae.apply(id, signal));
    return id;
  }

  /** Cascades to listeners, pools, members and monitors; disassociates the VIP's floating IP. */
  async delete(id: string, signal: AbortSignal): Promise<void> {
    const entry = await this.ctx.repos.loadBalancers.get(id);
    if (entry === undefined) return;
    const { repos } = this.ctx;
    const pools = (await repos.pools.all())
      .filter((p) => p.obj.loadBalancerId === id)
      .map((p) => p.obj.id);
    for (const m of await repos.members.all())
      if (pools.includes(m.obj.poolId)) await repos.members.delete(m.obj.id);
    for (const m of await repos.monitors.all())
      if (pools.includes(m.obj.poolId)) await repos.monitors.delete(m.obj.id);
    for (const poolId of pools) await repos.pools.delete(poolId);
    for (const l of await repos.listeners.all())
      if (l.obj.loadBalancerId === id) await repos.listeners.delete(l.obj.id);
    await disassociatePort(this.ctx, entry.obj.vipPortId, signal);
    await this.amphorae.teardown(entry, signal);
    await deletePort(this.ctx, entry.obj.vipPortId);
    for (const amp of entry.local.amphorae) await deletePort(this.ctx, amp.portId);
    await repos.loadBalancers.delete(id);
  }

  /** Pushes the records to the amphorae; a failure marks the load balancer ERROR and throws. */
  async apply(id: string, signal: AbortSignal): Promise<void> {
    await this.record(id, () => this.amphorae.apply(id, signal));
  }

  private async record(id: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
      await this.ctx.repos.loadBalancers.update(id, (e) => delete e.local.applyError);
    } catch (err) {
      await this.ctx.repos.loadBalancers.update(
        id,
        (e) => (e.local.applyError = errorMessage(err)),
      );
      throw providerErrors.backend(`load balancer ${id}: ${errorMessage(err)}`, err);
    }
  }
}
