/** Listeners of the memory load balancers. */
import {
  providerErrors,
  type CreateListenerInput,
  type IdInput,
  type Listener,
  type ListListenersInput,
  type UpdateListenerInput,
} from '@berth/provider-api';
import { existingFor, mustGet, newObject, snapshot, type MemoryContext } from './context.js';
import { ObjectReads } from './reads.js';
import { mutableLoadBalancer } from './lb-core.js';
import { listenerOperating } from './lb-status.js';
import {
  checkCompatible,
  checkInteger,
  checkListenerFields,
  checkListenerProtocol,
} from './lb-validation.js';
import type { ListenerRecord } from './state.js';

export class ListenerOps {
  private readonly reads;

  constructor(private readonly ctx: MemoryContext) {
    this.reads = new ObjectReads(ctx, {
      methods: { get: 'loadBalancers.getListener', list: 'loadBalancers.listListeners' },
      kind: 'Listener',
      table: (state) => state.listeners,
      view: (r) => this.view(r),
    });
  }

  create(input: CreateListenerInput, signal: AbortSignal): Promise<Listener> {
    return this.ctx.run('loadBalancers.createListener', input, signal, () => {
      const { state } = this.ctx;
      const lb = mustGet(state.loadBalancers, 'LoadBalancer', input.loadBalancerId);
      const existing = existingFor(state.listeners, input, (l) => l.loadBalancerId === lb.id);
      if (existing) return this.view(existing);
      mutableLoadBalancer(this.ctx, lb.id);
      checkListenerProtocol(input.protocol);
      checkInteger('protocolPort', input.protocolPort, 1, 65535);
      checkListenerFields(input.protocol, input);
      if (input.protocol === 'TERMINATED_HTTPS' && input.tls === undefined) {
        throw providerErrors.invalid('tls', 'a TERMINATED_HTTPS listener needs a certificate');
      }
      const clash = Object.values(state.listeners).find(
        (l) => l.loadBalancerId === lb.id && l.protocolPort === input.protocolPort,
      );
      if (clash)
        throw providerErrors.conflict(
          `listener ${clash.name} already uses port ${input.protocolPort}`,
        );
      if (input.defaultPoolId !== undefined)
        this.checkPool(lb.id, input.protocol, input.defaultPoolId);
      const record: ListenerRecord = {
        ...newObject(this.ctx, 'listener', input),
        loadBalancerId: lb.id,
        protocol: input.protocol,
        protocolPort: input.protocolPort,
        defaultPoolId: input.defaultPoolId ?? null,
        allowedCidrs: [...(input.allowedCidrs ?? [])],
        connectionLimit: input.connectionLimit ?? null,
        timeoutClientDataMs: input.timeoutClientDataMs ?? 50_000,
        timeoutMemberDataMs: input.timeoutMemberDataMs ?? 50_000,
        insertHeaders: { xForwardedFor: false, xForwardedProto: false, ...input.insertHeaders },
        tlsCertificatePem: input.tls?.certificatePem ?? null,
        tlsPrivateKeyPem: input.tls?.privateKeyPem ?? null,
      };
      state.listeners[record.id] = record;
      return this.view(record);
    });
  }

  get(input: IdInput, signal: AbortSignal): Promise<Listener> {
    return this.reads.get(input, signal);
  }

  list(input: ListListenersInput, signal: AbortSignal): Promise<Listener[]> {
    return this.reads.list(
      input,
      signal,
      (l) => input.loadBalancerId === undefined || l.loadBalancerId === input.loadBalancerId,
    );
  }

  update(input: UpdateListenerInput, signal: AbortSignal): Promise<Listener> {
    return this.ctx.run('loadBalancers.updateListener', input, signal, () => {
      const listener = mustGet(this.ctx.state.listeners, 'Listener', input.id);
      mutableLoadBalancer(this.ctx, listener.loadBalancerId);
      checkListenerFields(listener.protocol, input);
      if (typeof input.defaultPoolId === 'string') {
        this.checkPool(listener.loadBalancerId, listener.protocol, input.defaultPoolId);
      }
      const { id: _id, tls, insertHeaders, ...fields } = input;
      const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      Object.assign(listener, defined);
      if (insertHeaders) listener.insertHeaders = { ...listener.insertHeaders, ...insertHeaders };
      if (tls)
        Object.assign(listener, {
          tlsCertificatePem: tls.certificatePem,
          tlsPrivateKeyPem: tls.privateKeyPem,
        });
      return this.view(listener);
    });
  }

  delete(input: IdInput, signal: AbortSignal): Promise<void> {
    return this.ctx.run('loadBalancers.deleteListener', input, signal, () => {
      const listener = this.ctx.state.listeners[input.id];
      if (!listener) return;
      mutableLoadBalancer(this.ctx, listener.loadBalancerId);
      delete this.ctx.state.listeners[listener.id];
    });
  }

  private checkPool(loadBalancerId: string, protocol: Listener['protocol'], poolId: string): void {
    const pool = mustGet(this.ctx.state.pools, 'Pool', poolId);
    if (pool.loadBalancerId !== loadBalancerId) {
      throw providerErrors.invalid('defaultPoolId', 'the pool belongs to another load balancer');
    }
    checkCompatible(protocol, pool.protocol);
  }

  private view(record: ListenerRecord): Listener {
    const { tlsPrivateKeyPem: _secret, ...rest } = record;
    return snapshot({
      ...rest,
      provisioningStatus: 'ACTIVE',
      operatingStatus: listenerOperating(this.ctx, record),
    });
  }
}
