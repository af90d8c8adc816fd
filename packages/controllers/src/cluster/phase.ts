/** The cluster's phase, derived from the pass (level-triggered: never from a remembered flag). */
import type { ClusterPhase, NodeGroup } from '@berth/api-types';
import { isTrue } from '../conditions.js';
import { ClusterConditions, type ClusterPass } from './context.js';

export function clusterPhase(pass: ClusterPass, nodeGroups: NodeGroup[]): ClusterPhase {
  const { cluster, status } = pass;
  if (cluster.metadata.deletionRequestedAt !== undefined) return 'Deleting';
  if (cluster.spec.stopped) return pass.waitingFor === undefined ? 'Stopped' : 'Stopping';
  const converged =
    pass.waitingFor === undefined &&
    isTrue(status.conditions, ClusterConditions.controlPlane) &&
    isTrue(status.conditions, ClusterConditions.nodes) &&
    nodeGroups.every((ng) => ng.metadata.deletionRequestedAt === undefined);
  if (converged) return 'Running';
  const previous = cluster.status.phase;
  if (status.version === undefined) return 'Provisioning';
  if (previous === 'Stopped' || previous === 'Stopping' || previous === 'Starting')
    return 'Starting';
  if (!status.version.startsWith(cluster.spec.version)) return 'Upgrading';
  return 'Reconciling';
}
