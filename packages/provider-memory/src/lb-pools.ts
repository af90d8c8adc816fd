/** Pools of the memory load balancers. */
import {
  providerErrors,
  type CreatePoolInput,
  type IdInput,
  type ListPoolsInput,
  type Pool,
  type UpdatePoolInput,
} from '@berth/provider-api';
import { existingFor, mustGet, newObject, snapshot, type MemoryContext } from './context.js';
import { ObjectReads } from './reads.js';
import { deletePoolCascade, mutableLoadBalancer } from './lb-core.js';
import { poolOperating } from './lb-status.js';
import { checkCompatible, checkPoolProtocol } from './lb-validation.js';
import type { PoolRecord } from './state.js';
import { where } from './indexed-table.js';

const ALGORITHMS = ['ROUND_ROBIN', 'LEAST_CONNECTIONS', 'SOURCE_IP'];
const PERSISTENCE = ['NONE', 'SOURCE_IP'];

export class PoolOps {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: { get: 'loadBalancers.getPool', list: 'loadBalancers.listPools' },
      kind: 'Pool',
      table: (state) => state.pools,
      view: (r) => this.view(r),
    });
  }

  create(input: CreatePoolInput, signal: AbortSignal): Promise<Pool> {
    return this.ctx.run('loadBalancers.createPool', input, signal, () => {
      const { state } = this.ctx;
      const lb = mustGet(state.loadBalancers, 'LoadBalancer', input.loadBalancerId);
      const existing = existingFor(state.pools, input, (p) => p.loadBalancerId === lb.id);
      if (existing) return this.view(existing);
      mutableLoadBalancer(this.ctx, lb.id);
      checkPoolProtocol(input.protocol);
      checkChoices(input);
      const listener =
        input.listenerId === undefined
          ? undefined
          : mustGet(state.listeners, 'Listener', input.listenerId);
      if (listener) {
        if (listener.loadBalancerId !== lb.id)
          throw providerErrors.invalid(
            'listenerId',
            'the listener belongs to another load balancer',
          );
        checkCompatible(listener.protocol, input.protocol);
        if (listener.defaultPoolId !== null) {
          throw providerErrors.conflict(`listener ${listener.name} already has a default pool`);
        }
      }
      const record: PoolRecord = {
        ...newObject(this.ctx, 'pool', input),
        loadBalancerId: lb.id,
        protocol: input.protocol,
        lbAlgorithm: input.lbAlgorithm,
        sessionPersistence: input.sessionPersistence ?? 'NONE',
      };
      state.pools[record.id] = record;
      if (listener) listener.defaultPoolId = record.id;
      return this.view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Pool> {
    return this.reads.get(input, signal);
  }

  list(input: ListPoolsInput, signal: AbortSignal): Promise<Pool[]> {
    return this.reads.list(
      input,
      signal,
      (p) => input.loadBalancerId === undefined || p.loadBalancerId === input.loadBalancerId,
    );
  }

  update(input: UpdatePoolInput, signal: AbortSignal): Promise<Pool> {
    return this.ctx.run('loadBalancers.updatePool', input, signal, () => {
      const pool = mustGet(this.ctx.state.pools, 'Pool', input.id);
      mutableLoadBalancer(this.ctx, pool.loadBalancerId);
      checkChoices(input);
      if (input.lbAlgorithm !== undefined) pool.lbAlgorithm = input.lbAlgorithm;
      if (input.sessionPersistence !== undefined)
        pool.sessionPersistence = input.sessionPersistence;
      return this.view(pool);
    });
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('loadBalancers.deletePool', input, signal, () => {
      const pool = this.ctx.state.pools[input.id];
      if (!pool) return;
      mutableLoadBalancer(this.ctx, pool.loadBalancerId);
      deletePoolCascade(this.ctx, pool.id);
    });
  }

  private view(record: PoolRecord): Pool {
    const { state } = this.ctx;
    return snapshot({
      ...record,
      listenerId:
        where(state.listeners, 'loadBalancerId', record.loadBalancerId).find(
          (l) => l.defaultPoolId === record.id,
        )?.id ?? null,
      memberIds: where(state.members, 'poolId', record.id).map((m) => m.id),
      healthMonitorId: where(state.healthMonitors, 'poolId', record.id)[0]?.id ?? null,
      provisioningStatus: 'ACTIVE',
      operatingStatus: poolOperating(this.ctx, record),
    });
  }
}

function checkChoices(
  input: Partial<Pick<CreatePoolInput, 'lbAlgorithm' | 'sessionPersistence'>>,
): void {
  if (input.lbAlgorithm !== undefined && !ALGORITHMS.includes(input.lbAlgorithm)) {
    throw providerErrors.invalid('lbAlgorithm', `unsupported algorithm "${input.lbAlgorithm}"`);
  }
  if (input.sessionPersistence !== undefined && !PERSISTENCE.includes(input.sessionPersistence)) {
    throw providerErrors.invalid(
      'sessionPersistence',
      `unsupported persistence "${input.sessionPersistence}"`,
    );
  }
}
