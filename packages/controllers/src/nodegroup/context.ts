/** One reconcile pass over one node group, and the cluster objects it builds on. */
import type { Cluster, ConditionStatus, NodeGroup, NodeGroupStatus } from '@berth/api-types';
import { nodeGroupTargetVersion } from '@berth/api-types';
import type { InfraProvider, Network, SecurityGroup, Subnet } from '@berth/provider-api';
import { setCondition } from '../conditions.js';
import { clusterTags, names, roleTags } from '../naming.js';
import type { ClusterBootstrap, ControllerStore } from '@berth/controller-ports';
import { apiVipAddress } from '../cluster/addresses.js';

import type { Downtime } from '../downtime.js';
export interface NodeGroupDeps {
  store: ControllerStore;
  provider: InfraProvider;
  bootstrap: ClusterBootstrap;
  now: () => Date;
  /** How long each worker has been down, and when one is replaced (shared by every pass). */
  nodeDowntime: Downtime;
}

export interface NodeGroupPass {
  deps: NodeGroupDeps;
  cluster: Cluster;
  nodeGroup: NodeGroup;
  signal: AbortSignal;
  status: NodeGroupStatus;
  vipAddress: string;
  waitingFor?: string;
  /** Names of the servers this pass removed at the autoscaler's request. */
  removed: string[];
  /** The Kubernetes version the group's nodes should run now (see `nodeGroupTargetVersion`). */
  version: string;
}

/**
 * The cluster as a worker of this group sees it: its `spec.version` is the group's target, so
 * the bootstrap renders the kubelet of that release (it reads the version from the cluster).
 */
export function workerView(pass: NodeGroupPass): Cluster {
  const { cluster } = pass;
  if (cluster.spec.version === pass.version) return cluster;
  return { ...cluster, spec: { ...cluster.spec, version: pass.version } };
}

export interface ClusterFabric {
  network: Network;
  subnet: Subnet;
  base: SecurityGroup;
  minion: SecurityGroup;
}

/** The network and security groups the cluster controller made; undefined until they exist. */
export async function findFabric(pass: NodeGroupPass): Promise<ClusterFabric | undefined> {
  const { provider } = pass.deps;
  const { cluster, signal } = pass;
  const tags = clusterTags(cluster);
  const network = await provider.networks.find({ name: names.network(cluster), tags }, signal);
  const subnet =
    network && (await provider.networks.listSubnets({ networkId: network.id }, signal))[0];
  const base = await provider.securityGroups.find(
    { name: names.securityGroup(cluster, 'base'), tags: roleTags(cluster, 'sg-base') },
    signal,
  );
  const minion = await provider.securityGroups.find(
    { name: names.securityGroup(cluster, 'minion'), tags: roleTags(cluster, 'sg-minion') },
    signal,
  );
  if (!network || !subnet || !base || !minion) return undefined;
  return { network, subnet, base, minion };
}

export function newNodeGroupPass(
  deps: NodeGroupDeps,
  cluster: Cluster,
  nodeGroup: NodeGroup,
  signal: AbortSignal,
): NodeGroupPass {
  return {
    deps,
    cluster,
    nodeGroup,
    signal,
    status: structuredClone(nodeGroup.status),
    removed: [],
    version: nodeGroupTargetVersion(
      nodeGroup.spec.version,
      cluster.spec.version,
      cluster.status.controlPlaneVersion ?? cluster.status.version,
    ),
    vipAddress: apiVipAddress(cluster.spec.network.subnetCidr),
  };
}

export function ngCondition(
  pass: NodeGroupPass,
  type: string,
  status: ConditionStatus,
  reason: string,
  message: string,
): void {
  pass.status.conditions = setCondition(
    pass.status.conditions,
    { type, status, reason, message },
    pass.deps.now(),
    pass.nodeGroup.metadata.generation,
  );
}

export function ngWait(pass: NodeGroupPass, reason: string, message: string): void {
  ngCondition(pass, 'NodesReady', 'False', reason, message);
  pass.waitingFor ??= message;
}
