/**
 * Every long action leaves the same trail, written in the action's transaction: an Operation
 * (Pending, for the controllers to advance) and an event in the cluster's history.
 */
import type { Cluster, EventType, Operation, OperationKind } from '@berth/api-types';
import type { Repositories } from '@berth/store';
import { describePrincipal, type Principal } from './auth.js';

export interface ActionRecord {
  cluster: Cluster;
  kind: OperationKind;
  reason: string;
  message: string;
  actor: Principal;
  /** The node group acted on; the cluster itself when absent. */
  nodeGroup?: { name: string; generation: number };
  /** The addon acted on (AddonInstall, AddonRemove): the addon controller finishes these. */
  addon?: string;
  type?: EventType;
}

export async function recordAction(tx: Repositories, record: ActionRecord): Promise<Operation> {
  const { cluster, nodeGroup } = record;
  const operation = await tx.operations.create({
    kind: record.kind,
    target: {
      kind: nodeGroup ? 'NodeGroup' : 'Cluster',
      project: cluster.metadata.project,
      cluster: cluster.metadata.name,
      clusterUid: cluster.metadata.uid,
      name: nodeGroup?.name ?? cluster.metadata.name,
      generation: nodeGroup?.generation ?? cluster.metadata.generation,
      ...(record.addon === undefined ? {} : { addon: record.addon }),
    },
  });
  await tx.events.append({
    project: cluster.metadata.project,
    cluster: cluster.metadata.name,
    clusterUid: cluster.metadata.uid,
    type: record.type ?? 'Normal',
    reason: record.reason,
    message: `${record.message} (by ${describePrincipal(record.actor)})`,
    operation: operation.id,
    object: nodeGroup
      ? { kind: 'NodeGroup', name: nodeGroup.name }
      : { kind: 'Cluster', name: cluster.metadata.name },
  });
  return operation;
}

/** An action whose object vanished at once (no finalizers) is already done. */
export async function finishImmediately(
  tx: Repositories,
  operation: Operation,
  message: string,
): Promise<Operation> {
  return tx.operations.update(operation.id, { phase: 'Succeeded', message });
}
