/**
 * One reconcile pass over one cluster: the world as read at the start of the pass, the status
 * being built, and what the phases learnt for the ones after them.
 */
import type { Cluster, ClusterStatus, ConditionStatus } from '@berth/api-types';
import type { InfraProvider, Network, Subnet } from '@berth/provider-api';
import { setCondition } from '../conditions.js';
import type { ClusterBootstrap, ControllerStore } from '@berth/controller-ports';
import type { MasterDowntime } from './master-repair.js';

export interface ClusterDeps {
  store: ControllerStore;
  provider: InfraProvider;
  bootstrap: ClusterBootstrap;
  now: () => Date;
  /** How long each master has been down, and when one is replaced (shared by every pass). */
  masterDowntime: MasterDowntime;
}

/** Condition types of a cluster, in the order the phases establish them. */
export const ClusterConditions = {
  network: 'NetworkReady',
  securityGroups: 'SecurityGroupsReady',
  loadBalancer: 'LoadBalancerReady',
  controlPlane: 'ControlPlaneReady',
  nodes: 'NodesReady',
} as const;

export interface ClusterPass {
  deps: ClusterDeps;
  cluster: Cluster;
  signal: AbortSignal;
  status: ClusterStatus;
  /** Filled by the phases for the ones after them. */
  network?: Network;
  subnet?: Subnet;
  externalNetworkId?: string;
  securityGroupIds?: { base: string; master: string; minion: string };
  vipAddress?: string;
  vipPortId?: string;
  apiAddress?: string;
  poolId?: string;
  /** Masters whose server runs outdated user data, once the control plane was found ready. */
  mastersOutdated?: number;
  /** Set by a phase that is still waiting for the world (e.g. servers building). */
  waitingFor?: string;
}

export function newPass(deps: ClusterDeps, cluster: Cluster, signal: AbortSignal): ClusterPass {
  return { deps, cluster, signal, status: structuredClone(cluster.status) };
}

/** Records a condition on the pass's status. */
export function condition(
  pass: ClusterPass,
  type: string,
  status: ConditionStatus,
  reason: string,
  message: string,
): void {
  pass.status.conditions = setCondition(
    pass.status.conditions,
    { type, status, reason, message },
    pass.deps.now(),
    pass.cluster.metadata.generation,
  );
}

/** Marks the pass as waiting; the reconciler requeues instead of declaring success. */
export function wait(pass: ClusterPass, type: string, reason: string, message: string): void {
  condition(pass, type, 'False', reason, message);
  pass.waitingFor ??= message;
}
