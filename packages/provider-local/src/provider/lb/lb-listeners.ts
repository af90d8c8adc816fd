/** Listeners: a protocol port on the VIP, optionally with TLS, forwarding to a default pool. */
import { parseCidr } from '@berth/net';
import {
  isPoolProtocolCompatible,
  providerErrors,
  validateNameAndTags,
  type CreateListenerInput,
  type Listener,
  type ListenerProtocol,
  type TlsCertificateInput,
  type UpdateListenerInput,
} from '@berth/provider-api';
import { newId, type ProviderContext } from '../context.js';
import type { ListenerLocal } from '../records.js';
import { findSame } from '../repo.js';

const DEFAULT_TIMEOUT_MS = 50_000;

export class LbListeners {
  constructor(private readonly ctx: ProviderContext) {}

  /** Returns the listener's id and its load balancer's. */
  async create(input: CreateListenerInput): Promise<string> {
    validateNameAndTags(input.name, input.tags);
    await this.ctx.repos.loadBalancers.require(input.loadBalancerId);
    const siblings = (await this.ctx.repos.listeners.all()).filter(
      (l) => l.obj.loadBalancerId === input.loadBalancerId,
    );
    const existing = findSame(siblings, input);
    if (existing !== undefined) return existing.obj.id;
    checkPort(input.protocolPort);
    if (siblings.some((l) => l.obj.protocolPort === input.protocolPort)) {
      throw providerErrors.conflict(`port ${input.protocolPort} already has a listener`);
    }
    checkTls(input.protocol, input.tls);
    for (const cidr of input.allowedCidrs ?? []) parseCidr(cidr, 'allowedCidrs');
    const id = newId();
    const listener: Listener = {
      id,
      name: input.name,
      tags: { ...input.tags },
      createdAt: this.ctx.now(),
      provisioningStatus: 'ACTIVE',
      operatingStatus: 'ONLINE',
      loadBalancerId: input.loadBalancerId,
      protocol: input.protocol,
      protocolPort: input.protocolPort,
      defaultPoolId: null,
      allowedCidrs: [...(input.allowedCidrs ?? [])],
      connectionLimit: input.connectionLimit ?? null,
      timeoutClientDataMs: input.timeoutClientDataMs ?? DEFAULT_TIMEOUT_MS,
      timeoutMemberDataMs: input.timeoutMemberDataMs ?? DEFAULT_TIMEOUT_MS,
      insertHeaders: { xForwardedFor: false, xForwardedProto: false, ...input.insertHeaders },
      tlsCertificatePem: input.tls?.certificatePem ?? null,
    };
    const local: ListenerLocal = input.tls === undefined ? {} : { tls: input.tls };
    if (input.defaultPoolId !== undefined) await this.usePool(listener, input.defaultPoolId);
    await this.ctx.repos.listeners.put(listener, local);
    return id;
  }

  async update(input: UpdateListenerInput): Promise<string> {
    const entry = await this.ctx.repos.listeners.require(input.id);
    const listener = entry.obj;
    if (input.tls !== undefined) {
      checkTls(listener.protocol, input.tls);
      entry.local.tls = input.tls;
      listener.tlsCertificatePem = input.tls.certificatePem;
    }
    for (const cidr of input.allowedCidrs ?? []) parseCidr(cidr, 'allowedCidrs');
    if (input.allowedCidrs !== undefined) listener.allowedCidrs = [...input.allowedCidrs];
    if (input.connectionLimit !== undefined) listener.connectionLimit = input.connectionLimit;
    if (input.timeoutClientDataMs !== undefined)
      listener.timeoutClientDataMs = input.timeoutClientDataMs;
    if (input.timeoutMemberDataMs !== undefined)
      listener.timeoutMemberDataMs = input.timeoutMemberDataMs;
    if (input.insertHeaders !== undefined)
      listener.insertHeaders = { ...listener.insertHeaders, ...input.insertHeaders };
    if (input.defaultPoolId === null) await this.releasePool(listener);
    else if (input.defaultPoolId !== undefined) await this.usePool(listener, input.defaultPoolId);
    await this.ctx.repos.listeners.put(listener, entry.local, entry.seq);
    return listener.loadBalancerId;
  }

  /** Its default pool stays, detached. Returns the load balancer id (undefined when absent). */
  async delete(id: string): Promise<string | undefined> {
    const entry = await this.ctx.repos.listeners.get(id);
    if (entry === undefined) return undefined;
    await this.releasePool(entry.obj);
    await this.ctx.repos.listeners.delete(id);
    return entry.obj.loadBalancerId;
  }

  /** Makes `poolId` the listener's default pool (and the pool's listener). */
  private async usePool(listener: Listener, poolId: string): Promise<void> {
    const pool = (await this.ctx.repos.pools.require(poolId)).obj;
    if (pool.loadBalancerId !== listener.loadBalancerId) {
      throw providerErrors.invalid(
        'defaultPoolId',
        `pool ${poolId} belongs to another load balancer`,
      );
    }
    if (!isPoolProtocolCompatible(listener.protocol, pool.protocol)) {
      throw providerErrors.invalid(
        'defaultPoolId',
        `a ${pool.protocol} pool cannot back a ${listener.protocol} listener`,
      );
    }
    if (pool.listenerId !== null && pool.listenerId !== listener.id) {
      throw providerErrors.conflict(
        `pool ${poolId} is the default pool of listener ${pool.listenerId}`,
      );
    }
    if (listener.defaultPoolId !== null && listener.defaultPoolId !== poolId)
      await this.releasePool(listener);
    await this.ctx.repos.pools.update(poolId, (e) => (e.obj.listenerId = listener.id));
    listener.defaultPoolId = poolId;
  }

  private async releasePool(listener: Listener): Promise<void> {
    const poolId = listener.defaultPoolId;
    listener.defaultPoolId = null;
    if (poolId === null || (await this.ctx.repos.pools.get(poolId)) === undefined) return;
    await this.ctx.repos.pools.update(poolId, (e) => (e.obj.listenerId = null));
  }
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw providerErrors.invalid('protocolPort', 'ports are integers from 1 to 65535');
  }
}

function checkTls(protocol: ListenerProtocol, tls: TlsCertificateInput | undefined): void {
  if (protocol === 'TERMINATED_HTTPS' && tls === undefined) {
    throw providerErrors.invalid('tls', 'TERMINATED_HTTPS needs a certificate and key');
  }
  if (protocol !== 'TERMINATED_HTTPS' && tls !== undefined) {
    throw providerErrors.invalid('tls', `a ${protocol} listener takes no certificate`);
  }
  if (
    tls !== undefined &&
    (!tls.certificatePem.includes('BEGIN CERTIFICATE') ||
      !tls.privateKeyPem.includes('PRIVATE KEY'))
  ) {
    throw providerErrors.invalid('tls', 'certificate and key must be PEM');
  }
}
