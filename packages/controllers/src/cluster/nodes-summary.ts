/** NodesReady: the cluster's view of its node groups, each reconciled by its own controller. */
import type { NodeGroup } from '@berth/api-types';
import { ClusterConditions, condition, type ClusterPass } from './context.js';

export function summariseNodes(pass: ClusterPass, nodeGroups: NodeGroup[]): void {
  const live = nodeGroups.filter((ng) => ng.metadata.deletionRequestedAt === undefined);
  const lagging = live.filter(
    (ng) =>
      ng.status.readyReplicas !== ng.spec.count ||
      ng.status.observedGeneration < ng.metadata.generation,
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
