/**
 * Finishing operations: the API opens an operation for every long action; the controller that
 * owns the target reports progress on it and ends it when the object reached what the action
 * asked for (observedGeneration caught up and the action's phase reached), or failed terminally.
 */
import type { Operation, OperationKind, ProblemBody } from '@berth/api-types';
import { BerthError } from '@berth/errors';
import type { ControllerStore, FinishOperation } from '@berth/controller-ports';

export interface TargetState {
  /** Generation the controller has acted on. */
  observedGeneration: number;
  phase: string;
  /** 0–100, an estimate for people watching. */
  progress: number;
  message: string;
  /** True once the target row is gone (deletes). */
  gone: boolean;
  /** Set when the last pass failed terminally. */
  failure?: ProblemBody;
}

/** Phase each kind of action waits for; deletes wait for the row to go. */
const goal: Record<OperationKind, string | 'gone'> = {
  ClusterCreate: 'Running',
  ClusterUpdate: 'Running',
  ClusterStart: 'Running',
  ClusterUpgrade: 'Running',
  ClusterRenewCertificates: 'Running',
  ClusterStop: 'Stopped',
  ClusterDelete: 'gone',
  NodeGroupCreate: 'Running',
  NodeGroupUpdate: 'Running',
  NodeGroupDelete: 'gone',
  AddonInstall: 'Running',
  AddonRemove: 'Running',
};

export function operationUpdate(
  op: Operation,
  state: TargetState,
): Parameters<ControllerStore['updateOperation']>[1] {
  const want = goal[op.kind];
  const done =
    want === 'gone'
      ? state.gone
      : state.phase === want && state.observedGeneration >= op.target.generation;
  if (done) return { phase: 'Succeeded', progress: 100, message: state.message };
  if (state.gone) {
    const error = new BerthError(
      'BERTH_ERR_INVALID_STATE',
      'cancelled: its target was deleted',
    ).toProblem();
    return {
      phase: 'Failed',
      progress: state.progress,
      message: error.detail,
      error: error as ProblemBody,
    };
  }
  if (state.failure !== undefined) {
    return {
      phase: 'Failed',
      progress: state.progress,
      message: state.failure.detail,
      error: state.failure,
    };
  }
  return { phase: 'Running', progress: Math.min(state.progress, 99), message: state.message };
}

/** How the operations `filter` picks end once their target is gone (see finalizeCluster). */
export function finishWhenGone(
  filter: (op: Operation) => boolean,
  state: { observedGeneration: number; message: string },
): FinishOperation {
  return (op) =>
    filter(op)
      ? operationUpdate(op, { ...state, phase: 'Deleted', progress: 100, gone: true })
      : undefined;
}

/** Updates every open operation matching `filter` from the target's state. */
export async function advanceOperations(
  store: ControllerStore,
  clusterUid: string,
  filter: (op: Operation) => boolean,
  state: TargetState,
): Promise<void> {
  for (const op of await store.listOpenOperations(clusterUid)) {
    if (!filter(op)) continue;
    const update = operationUpdate(op, state);
    if (
      update.phase === op.phase &&
      update.progress === op.progress &&
      update.message === op.message
    )
      continue;
    await store.updateOperation(op.id, update);
  }
}
