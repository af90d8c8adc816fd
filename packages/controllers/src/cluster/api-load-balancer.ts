/**
 * Phase 3: the API load balancer — one TCP listener on 6443 (restricted to
 * `spec.apiAccess.allowedCidrs`), a pool of the masters with a TCP health monitor, and a floating
 * IP on its VIP when the API is public. Its address is the cluster's `status.apiEndpoint`.
 */
import type { LoadBalancer, Server } from '@berth/provider-api';
import { names, roleTags } from '../naming.js';
import { apiVipAddress } from './addresses.js';
import { ClusterConditions, condition, wait, type ClusterPass } from './context.js';
import { API_PORT } from './security-groups.js';

const API_READY_PATH = '/readyz';

export async function reconcileApiLoadBalancer(pass: ClusterPass): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  const tags = roleTags(cluster, 'api-lb');
  const lb = await provider.loadBalancers.create(
    {
      name: names.apiLoadBalancer(cluster),
      tags,
      vipSubnetId: pass.subnet!.id,
      vipAddress: apiVipAddress(cluster.spec.network.subnetCidr),
    },
    signal,
  );
  pass.vipAddress = lb.vipAddress;
  pass.vipPortId = lb.vipPortId;
  pass.poolId = await ensureListenerAndPool(pass, lb);
  pass.apiAddress = cluster.spec.apiAccess.public
    ? await ensureFloatingIp(pass, lb)
    : lb.vipAddress;
  if (!cluster.spec.apiAccess.public) await releaseFloatingIp(pass);
  pass.status.apiEndpoint = `https://${pass.apiAddress}:${API_PORT}`;
  const current = await provider.loadBalancers.get({ id: lb.id }, signal);
  if (current.provisioningStatus !== 'ACTIVE') {
    wait(
      pass,
      ClusterConditions.loadBalancer,
      'Provisioning',
      `load balancer ${current.provisioningStatus.toLowerCase()}`,
    );
    return;
  }
  condition(
    pass,
    ClusterConditions.loadBalancer,
    'True',
    'Active',
    `API reachable at ${pass.status.apiEndpoint}`,
  );
}

async function ensureListenerAndPool(pass: ClusterPass, lb: LoadBalancer): Promise<string> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  const tags = roleTags(cluster, 'api-lb');
  const allowedCidrs = cluster.spec.apiAccess.allowedCidrs;
  let listener = (
    await provider.loadBalancers.listListeners({ loadBalancerId: lb.id }, signal)
  ).find((l) => l.name === names.apiListener(cluster));
  listener ??= await provider.loadBalancers.createListener(
    {
      name: names.apiListener(cluster),
      tags,
      loadBalancerId: lb.id,
      protocol: 'TCP',
      protocolPort: API_PORT,
      allowedCidrs,
    },
    signal,
  );
  if (!sameSet(listener.allowedCidrs, allowedCidrs)) {
    await provider.loadBalancers.updateListener({ id: listener.id, allowedCidrs }, signal);
  }
  let pool = (await provider.loadBalancers.listPools({ loadBalancerId: lb.id }, signal)).find(
    (p) => p.name === names.apiPool(cluster),
  );
  pool ??= await provider.loadBalancers.createPool(
    {
      name: names.apiPool(cluster),
      tags,
      loadBalancerId: lb.id,
      listenerId: listener.id,
      protocol: 'TCP',
      lbAlgorithm: 'ROUND_ROBIN',
    },
    signal,
  );
  await ensureApiMonitor(pass, pool.id, pool.healthMonitorId, tags);
  return pool.id;
}

/**
 * Members take API traffic only while their apiserver answers `GET /readyz` with 200 over TLS
 * (anonymous access to /readyz is Kubernetes' default), so a master that is still starting — or
 * whose etcd is gone — gets none. Checks every 2 s with a 2 s timeout, 3 failures to take a
 * member out: a busy apiserver is not dropped for one slow answer, and a dead one is skipped at
 * once anyway (HAProxy redispatches a refused connection). A monitor of another kind (clusters
 * made before this check) is replaced.
 */
async function ensureApiMonitor(
  pass: ClusterPass,
  poolId: string,
  monitorId: string | null,
  tags: Record<string, string>,
): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  if (monitorId !== null) {
    const current = await provider.loadBalancers.getHealthMonitor({ id: monitorId }, signal);
    if (current.type === 'HTTPS' && current.urlPath === API_READY_PATH) return;
    await provider.loadBalancers.deleteHealthMonitor({ id: monitorId }, signal);
  }
  await provider.loadBalancers.createHealthMonitor(
    {
      name: names.apiMonitor(cluster),
      tags,
      poolId,
      type: 'HTTPS',
      httpMethod: 'GET',
      urlPath: API_READY_PATH,
      expectedCodes: '200',
      delaySeconds: 2,
      timeoutSeconds: 2,
      maxRetries: 2,
      maxRetriesDown: 3,
    },
    signal,
  );
}

async function ensureFloatingIp(pass: ClusterPass, lb: LoadBalancer): Promise<string> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  const fip = await provider.floatingIps.create(
    {
      name: names.apiFloatingIp(cluster),
      tags: roleTags(cluster, 'api-fip'),
      floatingNetworkId: pass.externalNetworkId!,
      portId: lb.vipPortId,
    },
    signal,
  );
  if (fip.portId !== lb.vipPortId) {
    await provider.floatingIps.associate({ id: fip.id, portId: lb.vipPortId }, signal);
  }
  return fip.address;
}

export async function releaseFloatingIp(pass: ClusterPass): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  const fip = await provider.floatingIps.find(
    { name: names.apiFloatingIp(cluster), tags: roleTags(cluster, 'api-fip') },
    signal,
  );
  if (fip !== undefined) await provider.floatingIps.delete({ id: fip.id }, signal);
}

/** Makes the pool's members exactly the given masters (port 6443). */
export async function syncApiMembers(pass: ClusterPass, masters: Server[]): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  const poolId = pass.poolId!;
  const members = await provider.loadBalancers.listMembers({ poolId }, signal);
  const wanted = new Map(masters.map((m) => [m.ports[0]!.fixedIp, m]));
  for (const [address, master] of wanted) {
    if (!members.some((m) => m.address === address)) {
      await provider.loadBalancers.createMember(
        {
          name: master.name,
          tags: roleTags(cluster, 'api-lb'),
          poolId,
          address,
          protocolPort: API_PORT,
          subnetId: pass.subnet!.id,
        },
        signal,
      );
    }
  }
  for (const member of members) {
    if (!wanted.has(member.address))
      await provider.loadBalancers.deleteMember({ id: member.id }, signal);
  }
}

export async function deleteApiLoadBalancer(pass: ClusterPass): Promise<void> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  await releaseFloatingIp(pass);
  const lb = await provider.loadBalancers.find(
    { name: names.apiLoadBalancer(cluster), tags: roleTags(cluster, 'api-lb') },
    signal,
  );
  if (lb !== undefined) await provider.loadBalancers.delete({ id: lb.id }, signal);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
