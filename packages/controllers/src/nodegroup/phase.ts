/** A node group's phase, derived from the pass. */
import type { NodeGroupPhase } from '@berth/api-types';
import { LIMITS } from '@berth/api-types';
import type { NodeGroupPass } from './context.js';

/** Slots searched for existing servers: a group never holds more than the product limit. */
export const MAX_SLOTS = LIMITS.maxNodesPerGroup * 2;

export function nodeGroupPhase(pass: NodeGroupPass): NodeGroupPhase {
  const { cluster, nodeGroup, status } = pass;
  if (nodeGroup.metadata.deletionRequestedAt !== undefined) return 'Deleting';
  if (cluster.spec.stopped) return pass.waitingFor === undefined ? 'Stopped' : 'Stopping';
  if (pass.waitingFor === undefined) return 'Running';
  const previous = nodeGroup.status.phase;
  if (previous === 'Stopped' || previous === 'Stopping' || previous === 'Starting')
    return 'Starting';
  if (previous === 'Provisioning' || status.observedGeneration === 0) return 'Provisioning';
  const rolling = status.conditions.some((c) => c.type === 'UpToDate' && c.status === 'False');
  return rolling || status.replicas === nodeGroup.spec.count ? 'Updating' : 'Scaling';
}
