/**
 * The load balancer service (Octavia's API) over amphorae on this host. Every change is applied
 * synchronously under the writer lock: records first, then the rendered configuration is
 * validated and delivered to the amphorae, so a returned object is already in effect.
 */
import type {
  CreateHealthMonitorInput,
  CreateListenerInput,
  CreateLoadBalancerInput,
  CreateMemberInput,
  CreatePoolInput,
  FindInput,
  HealthMonitor,
  IdInput,
  ListInput,
  ListListenersInput,
  ListMembersInput,
  ListPoolsInput,
  Listener,
  LoadBalancer,
  LoadBalancerService,
  Member,
  Pool,
  UpdateHealthMonitorInput,
  UpdateListenerInput,
  UpdatePoolInput,
} from '@berth/provider-api';
import { matchesTags } from '@berth/provider-api';
import { mutate, read, type ProviderContext } from '../context.js';
import { withTags } from '../repo.js';
import type { AmphoraRuntime } from './amphorae.js';
import { LbCore } from './lb-core.js';
import { LbListeners } from './lb-listeners.js';
import { LbPools } from './lb-pools.js';
import { LbViews } from './lb-views.js';

export class LocalLoadBalancers implements LoadBalancerService {
  private readonly core: LbCore;
  private readonly listeners: LbListeners;
  private readonly pools: LbPools;
  readonly views: LbViews;

  constructor(
    private readonly ctx: ProviderContext,
    readonly amphorae: AmphoraRuntime,
  ) {
    this.core = new LbCore(ctx, amphorae);
    this.listeners = new LbListeners(ctx);
    this.pools = new LbPools(ctx);
    this.views = new LbViews(ctx, amphorae);
  }

  create(input: CreateLoadBalancerInput, signal: AbortSignal): Promise<LoadBalancer> {
    return mutate(this.ctx, signal, async () =>
      this.views.loadBalancer(await this.core.create(input, signal)),
    );
  }
  get(input: IdInput, signal: AbortSignal): Promise<LoadBalancer> {
    return read(signal, () => this.views.loadBalancer(input.id));
  }
  find(input: FindInput, signal: AbortSignal): Promise<LoadBalancer | undefined> {
    return read(signal, async () => {
      const match = (await this.ctx.repos.loadBalancers.all()).find(
        (e) => e.obj.name === input.name && matchesTags(e.obj.tags, input.tags),
      );
      return match === undefined ? undefined : this.views.loadBalancer(match.obj.id);
    });
  }
  list(input: ListInput, signal: AbortSignal): Promise<LoadBalancer[]> {
    return read(signal, async () => {
      const entries = withTags(await this.ctx.repos.loadBalancers.all(), input.tags);
      return Promise.all(entries.map((e) => this.views.loadBalancer(e.obj.id)));
    });
  }
  /**
   * Delivers every load balancer's recorded configuration to its amphorae. A provider stopped
   * between writing a change's records and delivering it (a SIGKILLed `berth server`) left
   * amphorae that a retried call would never update — the records already match — so the next
   * provider instance catches them up. Unchanged files reload nothing. Returns the ids whose
   * configuration could not be applied (their last change failed and they read ERROR).
   */
  reapplyAll(signal: AbortSignal): Promise<string[]> {
    return mutate(this.ctx, signal, async () => {
      const failed: string[] = [];
      for (const entry of await this.ctx.repos.loadBalancers.all()) {
        await this.amphorae.apply(entry.obj.id, signal).catch(() => failed.push(entry.obj.id));
      }
      return failed;
    });
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return mutate(this.ctx, signal, () => this.core.delete(input.id, signal));
  }

  createListener(input: CreateListenerInput, signal: AbortSignal): Promise<Listener> {
    return this.change(
      signal,
      () => this.listeners.create(input),
      (id) => this.views.listener(id),
      input.loadBalancerId,
    );
  }
  getListener(input: IdInput, signal: AbortSignal): Promise<Listener> {
    return read(signal, () => this.views.listener(input.id));
  }
  listListeners(input: ListListenersInput, signal: AbortSignal): Promise<Listener[]> {
    return read(signal, async () => {
      const entries = withTags(await this.ctx.repos.listeners.all(), input.tags).filter(
        (e) => input.loadBalancerId === undefined || e.obj.loadBalancerId === input.loadBalancerId,
      );
      return Promise.all(entries.map((e) => this.views.listener(e.obj.id)));
    });
  }
  updateListener(input: UpdateListenerInput, signal: AbortSignal): Promise<Listener> {
    return mutate(this.ctx, signal, async () => {
      await this.core.apply(await this.listeners.update(input), signal);
      return this.views.listener(input.id);
    });
  }
  deleteListener(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.remove(signal, () => this.listeners.delete(input.id));
  }

  createPool(input: CreatePoolInput, signal: AbortSignal): Promise<Pool> {
    return this.changeOwned(
      signal,
      () => this.pools.createPool(input),
      (id) => this.views.pool(id),
    );
  }
  getPool(input: IdInput, signal: AbortSignal): Promise<Pool> {
    return read(signal, () => this.views.pool(input.id));
  }
  listPools(input: ListPoolsInput, signal: AbortSignal): Promise<Pool[]> {
    return read(signal, async () => {
      const entries = withTags(await this.ctx.repos.pools.all(), input.tags).filter(
        (e) => input.loadBalancerId === undefined || e.obj.loadBalancerId === input.loadBalancerId,
      );
      return Promise.all(entries.map((e) => this.views.pool(e.obj.id)));
    });
  }
  updatePool(input: UpdatePoolInput, signal: AbortSignal): Promise<Pool> {
    return mutate(this.ctx, signal, async () => {
      await this.core.apply(await this.pools.updatePool(input), signal);
      return this.views.pool(input.id);
    });
  }
  deletePool(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.remove(signal, () => this.pools.deletePool(input.id));
  }

  createMember(input: CreateMemberInput, signal: AbortSignal): Promise<Member> {
    return this.changeOwned(
      signal,
      () => this.pools.createMember(input),
      (id) => this.views.member(id),
    );
  }
  getMember(input: IdInput, signal: AbortSignal): Promise<Member> {
    return read(signal, () => this.views.member(input.id));
  }
  listMembers(input: ListMembersInput, signal: AbortSignal): Promise<Member[]> {
    return read(signal, async () => {
      await this.ctx.repos.pools.require(input.poolId);
      const entries = withTags(await this.ctx.repos.members.all(), input.tags).filter(
        (e) => e.obj.poolId === input.poolId,
      );
      return Promise.all(entries.map((e) => this.views.member(e.obj.id)));
    });
  }
  deleteMember(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.remove(signal, () => this.pools.deleteMember(input.id));
  }

  createHealthMonitor(
    input: CreateHealthMonitorInput,
    signal: AbortSignal,
  ): Promise<HealthMonitor> {
    return this.changeOwned(
      signal,
      () => this.pools.createMonitor(input),
      (id) => this.views.monitor(id),
    );
  }
  getHealthMonitor(input: IdInput, signal: AbortSignal): Promise<HealthMonitor> {
    return read(signal, () => this.views.monitor(input.id));
  }
  updateHealthMonitor(
    input: UpdateHealthMonitorInput,
    signal: AbortSignal,
  ): Promise<HealthMonitor> {
    return mutate(this.ctx, signal, async () => {
      await this.core.apply(await this.pools.updateMonitor(input), signal);
      return this.views.monitor(input.id);
    });
  }
  deleteHealthMonitor(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.remove(signal, () => this.pools.deleteMonitor(input.id));
  }

  private change<T>(
    signal: AbortSignal,
    make: () => Promise<string>,
    view: (id: string) => Promise<T>,
    lbId: string,
  ) {
    return mutate(this.ctx, signal, async () => {
      const id = await make();
      await this.core.apply(lbId, signal);
      return view(id);
    });
  }

  private changeOwned<T>(
    signal: AbortSignal,
    make: () => Promise<{ id: string; lbId: string }>,
    view: (id: string) => Promise<T>,
  ) {
    return mutate(this.ctx, signal, async () => {
      const { id, lbId } = await make();
      await this.core.apply(lbId, signal);
      return view(id);
    });
  }

  private remove(signal: AbortSignal, drop: () => Promise<string | undefined>): Promise<void> {
    return mutate(this.ctx, signal, async () => {
      const lbId = await drop();
      if (lbId !== undefined) await this.core.apply(lbId, signal);
    });
  }
}
