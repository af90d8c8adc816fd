/**
 * A Service's load balancer in the provider: one per Service (ACTIVE_STANDBY, VIP on the
 * cluster's subnet), a listener and pool per port, members = nodes × nodePort, and a floating IP
 * unless internal. Everything is found again by name + tags (`serviceTags`), and every step
 * compares before it changes, so a pass interrupted anywhere converges on the next one.
 */
import type { Cluster } from '@berth/api-types';
import type { InfraProvider, Listener, LoadBalancer, Pool } from '@berth/provider-api';
import { names, serviceTags } from '../naming.js';
import type { DesiredListener, DesiredLoadBalancer } from './desired.js';
import type { ServiceRef, TlsSecret } from '@berth/controller-ports';

export interface ServiceLbScope {
  provider: InfraProvider;
  cluster: Cluster;
  subnetId: string;
  externalNetworkId: string;
  signal: AbortSignal;
}

export interface EnsureInput {
  service: ServiceRef;
  desired: DesiredLoadBalancer;
  internal: boolean;
  tls: TlsSecret | undefined;
}

/** The address clients use, or undefined while the provider is still creating the load balancer. */
export async function ensureServiceLoadBalancer(
  scope: ServiceLbScope,
  input: EnsureInput,
): Promise<string | undefined> {
  const { provider, cluster, signal } = scope;
  const { service } = input;
  const created = await provider.loadBalancers.create(
    {
      name: names.serviceLoadBalancer(cluster, service.namespace, service.name),
      tags: serviceTags(cluster, 'service-lb', service.uid),
      vipSubnetId: scope.subnetId,
      topology: 'ACTIVE_STANDBY',
    },
    signal,
  );
  const address = input.internal
    ? await releaseAndUseVip(scope, service, created)
    : await ensureFloatingIp(scope, service, created);
  const lb = await provider.loadBalancers.get({ id: created.id }, signal);
  if (lb.provisioningStatus !== 'ACTIVE') return undefined;
  await syncListeners(scope, lb, input);
  return address;
}

async function releaseAndUseVip(
  scope: ServiceLbScope,
  service: ServiceRef,
  lb: LoadBalancer,
): Promise<string> {
  const tags = serviceTags(scope.cluster, 'service-fip', service.uid);
  for (const fip of await scope.provider.floatingIps.list({ tags }, scope.signal))
    await scope.provider.floatingIps.delete({ id: fip.id }, scope.signal);
  return lb.vipAddress;
}

async function ensureFloatingIp(
  scope: ServiceLbScope,
  service: ServiceRef,
  lb: LoadBalancer,
): Promise<string> {
  const { provider, cluster, signal } = scope;
  const fip = await provider.floatingIps.create(
    {
      name: names.serviceFloatingIp(cluster, service.namespace, service.name),
      tags: serviceTags(cluster, 'service-fip', service.uid),
      floatingNetworkId: scope.externalNetworkId,
      portId: lb.vipPortId,
    },
    signal,
  );
  if (fip.portId !== lb.vipPortId)
    await provider.floatingIps.associate({ id: fip.id, portId: lb.vipPortId }, signal);
  return fip.address;
}

/**
 * Stale pools and listeners go first (a detached pool left by a crash would otherwise be
 * returned by the idempotent create under the same name), then each port's listener, pool and
 * members are made to match.
 */
async function syncListeners(scope: ServiceLbScope, lb: LoadBalancer, input: EnsureInput) {
  const { provider, signal } = scope;
  const byPort = new Map(input.desired.listeners.map((d) => [d.port, d]));
  const listeners = await provider.loadBalancers.listListeners({ loadBalancerId: lb.id }, signal);
  const keep = listeners.filter((l) => fits(l, byPort.get(l.protocolPort)));
  for (const pool of await provider.loadBalancers.listPools({ loadBalancerId: lb.id }, signal)) {
    const listener = keep.find((l) => l.id === pool.listenerId);
    if (listener === undefined || pool.protocol !== byPort.get(listener.protocolPort)?.poolProtocol)
      await provider.loadBalancers.deletePool({ id: pool.id }, signal);
  }
  for (const listener of listeners)
    if (!keep.includes(listener))
      await provider.loadBalancers.deleteListener({ id: listener.id }, signal);
  for (const wanted of input.desired.listeners) {
    const existing = keep.find((l) => l.protocolPort === wanted.port);
    const listener = existing ?? (await createListener(scope, lb, wanted, input));
    if (!sameSet(listener.allowedCidrs, input.desired.allowedCidrs)) {
      const allowedCidrs = input.desired.allowedCidrs;
      await provider.loadBalancers.updateListener({ id: listener.id, allowedCidrs }, signal);
    }
    if (wanted.listenerProtocol !== 'TCP' && !sameHeaders(listener, wanted)) {
      const insertHeaders = wanted.insertHeaders;
      await provider.loadBalancers.updateListener({ id: listener.id, insertHeaders }, signal);
    }
    if (wanted.listenerProtocol === 'TERMINATED_HTTPS' && input.tls !== undefined)
      await refreshCertificate(scope, listener, input.tls);
    const pool = await ensurePool(scope, lb, listener, wanted, input);
    await syncMembers(scope, pool, wanted.nodePort, input);
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function sameHeaders(listener: Listener, wanted: DesiredListener): boolean {
  const have = listener.insertHeaders;
  return (
    have.xForwardedFor === wanted.insertHeaders.xForwardedFor &&
    have.xForwardedProto === wanted.insertHeaders.xForwardedProto
  );
}

function fits(listener: Listener, wanted: DesiredListener | undefined): boolean {
  return wanted !== undefined && listener.protocol === wanted.listenerProtocol;
}

function createListener(
  scope: ServiceLbScope,
  lb: LoadBalancer,
  wanted: DesiredListener,
  input: EnsureInput,
): Promise<Listener> {
  const tls = wanted.listenerProtocol === 'TERMINATED_HTTPS' ? input.tls : undefined;
  return scope.provider.loadBalancers.createListener(
    {
      name: `${lb.name}-${wanted.port}`,
      tags: lb.tags,
      loadBalancerId: lb.id,
      protocol: wanted.listenerProtocol,
      protocolPort: wanted.port,
      allowedCidrs: input.desired.allowedCidrs,
      ...(wanted.listenerProtocol === 'TCP' ? {} : { insertHeaders: wanted.insertHeaders }),
      ...(tls === undefined ? {} : { tls }),
    },
    scope.signal,
  );
}

async function refreshCertificate(scope: ServiceLbScope, listener: Listener, tls: TlsSecret) {
  if (listener.tlsCertificatePem?.trim() === tls.certificatePem.trim()) return;
  await scope.provider.loadBalancers.updateListener({ id: listener.id, tls }, scope.signal);
}

async function ensurePool(
  scope: ServiceLbScope,
  lb: LoadBalancer,
  listener: Listener,
  wanted: DesiredListener,
  input: EnsureInput,
): Promise<Pool> {
  const pools = await scope.provider.loadBalancers.listPools(
    { loadBalancerId: lb.id },
    scope.signal,
  );
  const found = pools.find((p) => p.listenerId === listener.id);
  if (found !== undefined) return found;
  return scope.provider.loadBalancers.createPool(
    {
      name: `${lb.name}-${wanted.port}-${wanted.poolProtocol.toLowerCase()}`,
      tags: serviceTags(scope.cluster, 'service-lb', input.service.uid),
      loadBalancerId: lb.id,
      listenerId: listener.id,
      protocol: wanted.poolProtocol,
      lbAlgorithm: 'ROUND_ROBIN',
    },
    scope.signal,
  );
}

/** Members become exactly `addresses × nodePort`; no health monitor (see the docs: no kube-proxy yet). */
async function syncMembers(
  scope: ServiceLbScope,
  pool: Pool,
  nodePort: number,
  input: EnsureInput,
) {
  const { provider, signal } = scope;
  const members = await provider.loadBalancers.listMembers({ poolId: pool.id }, signal);
  const wanted = new Set(input.desired.memberAddresses);
  for (const member of members) {
    if (!wanted.has(member.address) || member.protocolPort !== nodePort)
      await provider.loadBalancers.deleteMember({ id: member.id }, signal);
  }
  for (const address of wanted) {
    if (members.some((m) => m.address === address && m.protocolPort === nodePort)) continue;
    await provider.loadBalancers.createMember(
      {
        name: `${address}-${nodePort}`,
        tags: pool.tags,
        poolId: pool.id,
        address,
        protocolPort: nodePort,
        subnetId: scope.subnetId,
      },
      signal,
    );
  }
}
