/** NodesReady: the cluster's view of its node groups, each reconciled by its own controller. */
import type { ClusterNodesSummary, NodeGroup } from '@berth/api-types';
import { ClusterConditions, condition, type ClusterPass } from './context.js';
import { groupTarget } from './upgrade-status.js';

export function summariseNodes(pass: ClusterPass, nodeGroups: NodeGroup[]): void {
  const live = nodeGroups.filter((ng) => ng.metadata.deletionRequestedAt === undefined);
  const generation = pass.cluster.metadata.generation;
  const lagging = live.filter(
    (ng) =>
      ng.status.readyReplicas !== ng.spec.count ||
      ng.status.observedGeneration < ng.metadata.generation ||
      !upToDate(ng, generation) ||
      ng.status.version !== groupTarget(pass, ng),
  );
  const ready = live.reduce((n, ng) => n + ng.status.readyReplicas, 0);
  const wanted = live.reduce((n, ng) => n + ng.spec.count, 0);
  if (lagging.length === 0) {
    condition(
      pass,
      ClusterConditions.nodes,
      'True',
      'AllNodesReady',
      `${ready}/${wanted} nodes ready`,
    );
    return;
  }
  const detail = lagging
    .map((ng) => `${ng.metadata.name} ${ng.status.readyReplicas}/${ng.spec.count}`)
    .join(', ');
  const notReady = live.some(
    (ng) => ng.status.replicas >= ng.spec.count && ng.status.readyReplicas < ng.spec.count,
  );
  condition(
    pass,
    ClusterConditions.nodes,
    'False',
    notReady ? 'NodesNotReady' : 'Scaling',
    `${ready}/${wanted} nodes ready (${detail})`,
  );
  pass.waitingFor ??= `nodes: ${detail}`;
}

/** The group acted on this cluster generation and runs what it should (version, labels, taints). */
function upToDate(nodeGroup: NodeGroup, clusterGeneration: number): boolean {
  const c = nodeGroup.status.conditions.find((x) => x.type === 'UpToDate');
  return c?.status === 'True' && (c.observedGeneration ?? 0) >= clusterGeneration;
}

/**
 * `status.nodes`: ready and wanted workers over the groups not being deleted, as read at the
 * start of the pass (written on every pass, stopped or not, so lists need no node group reads).
 */
export function nodesSummary(nodeGroups: NodeGroup[]): ClusterNodesSummary {
  const live = nodeGroups.filter((ng) => ng.metadata.deletionRequestedAt === undefined);
  return {
    ready: live.reduce((n, ng) => n + ng.status.readyReplicas, 0),
    total: live.reduce((n, ng) => n + ng.spec.count, 0),
  };
}
