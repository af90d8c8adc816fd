/** Building blocks of the load balancer scenarios. */
import assert from 'node:assert/strict';
import type { LoadBalancerStatuses, OperatingStatus } from '../load-balancer-types.js';
import type { LoadBalancer, LoadBalancerTopology } from '../load-balancer-types.js';
import type { Subnet } from '../networks.js';
import type { ConformanceEnv } from './env.js';

const OPERATING: readonly OperatingStatus[] = [
  'ONLINE',
  'OFFLINE',
  'DEGRADED',
  'ERROR',
  'NO_MONITOR',
];

export function assertSettled(what: string, object: LoadBalancerStatuses): void {
  assert.equal(object.provisioningStatus, 'ACTIVE', `${what} provisioningStatus`);
  assert.ok(
    OPERATING.includes(object.operatingStatus),
    `${what} operatingStatus ${object.operatingStatus}`,
  );
}

export function topologyFor(env: ConformanceEnv): LoadBalancerTopology {
  return env.options.lacks.has('activeStandby') ? 'SINGLE' : 'ACTIVE_STANDBY';
}

export function waitForLoadBalancer(env: ConformanceEnv, id: string): Promise<LoadBalancer> {
  return env.waitFor(
    `load balancer ${id} to be ACTIVE`,
    () => env.provider.loadBalancers.get({ id }, env.signal),
    (lb) => lb.provisioningStatus === 'ACTIVE',
  );
}

/** Creates a load balancer on `subnet` and waits until it is provisioned. */
export async function createLoadBalancer(
  env: ConformanceEnv,
  suffix: string,
  subnet: Subnet,
  topology: LoadBalancerTopology = topologyFor(env),
): Promise<LoadBalancer> {
  const lb = await env.provider.loadBalancers.create(
    { name: env.name(suffix), tags: env.tags, vipSubnetId: subnet.id, topology },
    env.signal,
  );
  return waitForLoadBalancer(env, lb.id);
}
